/**
 * Turns a job's object references into ZIP entries: paths and ids into one
 * key each, at the version asked for; folders into every object below them
 * (recursively, paged). Each entry is pinned (version id, ETag) so the build
 * reads exactly what was resolved, and named by the objects' naming rules.
 * Runs in Prepare, never in the API request: a folder may hold thousands.
 */
import type { ObjectCatalog } from '../adapters/object-catalog';
import type { ObjectIdStore } from '../adapters/object-id-store';
import {
  expandFolder,
  folderKeyPrefix,
  FolderTooLargeError,
  numberVersions,
  objectEntryNames,
  objectUrl,
  paketKey,
  paketPath,
  selectVersion,
  type NamedObject,
  type NumberedVersion,
  type ObjectNaming,
  type ObjectPin,
  type ObjectRef,
} from '../core/objects';
import { mapConcurrent } from '../core/packing';

export interface Paket {
  readonly tenant_id: string;
  readonly bucket_name: string;
  /** Normalised: '' or `a/b/`. */
  readonly prefix: string;
}

export interface ResolveDeps {
  /** The paket's bucket. */
  readonly catalog: ObjectCatalog;
  readonly ids: ObjectIdStore;
}

export type ResolvedObject =
  | { readonly ok: true; readonly url: string; readonly filename: string; readonly size: number; readonly last_modified: string; readonly object: ObjectPin }
  | { readonly ok: false; readonly url: string; readonly error: string };

/** One key to read, before naming. */
interface Found {
  readonly key: string;
  readonly naming: ObjectNaming;
  readonly size: number;
  readonly last_modified: string;
  readonly pin: ObjectPin;
  /** Known for paths and ids; a folder's objects are at their latest, numbered only if looked up anyway. */
  readonly version?: number;
  readonly revision?: string;
}

const VERSION_LOOKUPS = 16;

/** Every reference's entries (a folder's, in key order), in request order; a reference that cannot be resolved is one failed entry. */
export async function resolveObjects(deps: ResolveDeps, paket: Paket, refs: readonly ObjectRef[], maxObjects: number): Promise<ResolvedObject[]> {
  return (await resolveObjectsByRef(deps, paket, refs, maxObjects)).flat();
}

/** `resolveObjects`, grouped by reference: the entries of `refs[i]` are the `i`th group. */
export async function resolveObjectsByRef(deps: ResolveDeps, paket: Paket, refs: readonly ObjectRef[], maxObjects: number): Promise<ResolvedObject[][]> {
  const url = (key: string) => objectUrl({ bucket_name: paket.bucket_name, key });

  // Keys named one by one (paths, ids), each key's versions listed once.
  const single = await mapConcurrent(refs, VERSION_LOOKUPS, async (ref) => {
    if (ref.kind === 'path') return { ref, key: paketKey(paket.prefix, ref.path) };
    if (ref.kind === 'id') {
      const located = await deps.ids.keyOf(paket.tenant_id, ref.id);
      return located && located.bucket_name === paket.bucket_name ? { ref, key: located.key } : { ref, error: 'object not found' };
    }
    return { ref };
  });
  const keys = [...new Set(single.flatMap((s) => ('key' in s && s.key !== undefined ? [s.key] : [])))];
  const versionLists = await mapConcurrent(keys, VERSION_LOOKUPS, async (key) => numberVersions(await deps.catalog.versions(key)));
  const versionsOf = new Map<string, NumberedVersion[]>(keys.map((k, i) => [k, versionLists[i]!]));

  const perRef: (Found[] | { url: string; error: string })[] = [];
  let count = 0;
  for (const item of single) {
    const { ref } = item;
    if (ref.kind === 'folder') {
      const prefix = folderKeyPrefix(paket.prefix, ref.folder);
      const found: Found[] = [];
      try {
        for await (const o of expandFolder((p, token) => deps.catalog.list(p, token), prefix, maxObjects - count)) {
          found.push({ key: o.key, naming: { kind: 'folder', folder: ref.folder }, size: o.size, last_modified: o.last_modified, pin: o.etag ? { etag: o.etag } : {} });
        }
      } catch (error) {
        if (!(error instanceof FolderTooLargeError)) throw error;
        perRef.push({ url: url(prefix), error: `folder ${ref.folder} ${error.message}` });
        continue;
      }
      if (found.length === 0) perRef.push({ url: url(prefix), error: `folder ${ref.folder} is empty or does not exist` });
      else perRef.push(found);
      count += found.length;
      // Seen for the first time by this expansion: the keys get their ids now.
      await deps.ids.idsFor(paket.tenant_id, paket.bucket_name, found.map((f) => f.key));
      continue;
    }
    if (!('key' in item) || item.key === undefined) {
      perRef.push({ url: ref.kind === 'id' ? ref.id : '', error: 'error' in item ? item.error! : 'object not found' });
      continue;
    }
    const choice = selectVersion(versionsOf.get(item.key)!, ref.want);
    if (!choice.ok) {
      perRef.push({ url: url(item.key), error: choice.error });
      continue;
    }
    const v = choice.version;
    const naming: ObjectNaming = ref.kind === 'id' && ref.override !== undefined ? { kind: 'exact', name: ref.override } : { kind: 'base' };
    perRef.push([
      {
        key: item.key,
        naming,
        size: v.size,
        last_modified: v.last_modified,
        version: v.version,
        ...(ref.want.kind === 'revision' && { revision: ref.want.revision }),
        pin: { ...(v.revision !== null && { revision: v.revision }), ...(v.etag !== undefined && { etag: v.etag }) },
      },
    ]);
    count++;
  }

  const all = perRef.flatMap((r) => (Array.isArray(r) ? r : []));
  const named: NamedObject[] = all.map((f) => ({
    path: paketPath(paket.prefix, f.key) ?? `/${f.key}`,
    identity: f.key,
    // A folder's object is its key's latest version: the newest, unless its versions were listed for another reference.
    version: f.version ?? versionsOf.get(f.key)?.find((v) => v.latest)?.version ?? Number.MAX_SAFE_INTEGER,
    ...(f.revision !== undefined && { revision: f.revision }),
    naming: f.naming,
  }));
  const names = objectEntryNames(named);
  const byFound = new Map(all.map((f, i) => [f, names[i]!]));
  return perRef.map((r): ResolvedObject[] =>
    Array.isArray(r)
      ? r.map((f) => ({ ok: true, url: url(f.key), filename: byFound.get(f)!, size: f.size, last_modified: f.last_modified, object: f.pin }))
      : [{ ok: false, ...r }],
  );
}
