/**
 * Prepare's first step for jobs that name stored objects: every `object`
 * (of the paket the job was created with) and every `s3://` URL becomes
 * concrete files, `s3://<bucket_name>/<key>` with the version and ETag to
 * read, its size and modification time. Folders are expanded here (paged,
 * any size up to the plan's file count) and versions looked up, never in
 * the API request. The outcome is saved per run, so a Prepare that pauses
 * while probing, and its next run, see one resolution.
 */
import type { BlobStore } from '../adapters/blob-store';
import { objectKeys, type BinEntry, type Job, type JobError, type Manifest, type ManifestFile } from '../core/jobs/model';
import type { ProbeOutcome } from '../core/packing';
import { parseObjectUrl, type ObjectRef } from '../core/objects';
import { resolveObjectsByRef, type ResolveDeps, type ResolvedObject } from './resolve-objects';

/** The resolver's ports for one of a tenant's configured buckets; undefined when it has none of that name. */
export type OpenObjects = (tenantId: string, bucketName: string) => Promise<ResolveDeps | undefined>;

export interface ResolvedManifest {
  readonly manifest: Manifest;
  /** Objects that could not be resolved (missing, a version that does not exist, an empty folder). */
  readonly errors: readonly JobError[];
}

interface SavedResolution {
  readonly v: 1;
  readonly files: readonly ManifestFile[];
  readonly errors: readonly JobError[];
}

const namesObjects = (manifest: Manifest) => manifest.files.some((f) => f.object !== undefined || parseObjectUrl(f.url) !== undefined);

/** One bucket's references, and the manifest index each came from. */
interface Group {
  readonly bucketName: string;
  readonly prefix: string;
  readonly refs: ObjectRef[];
  readonly indexes: number[];
}

function groupsOf(manifest: Manifest): Group[] {
  const groups = new Map<string, Group>();
  const add = (key: string, bucketName: string, prefix: string, ref: ObjectRef, index: number) => {
    const group = groups.get(key) ?? { bucketName, prefix, refs: [], indexes: [] };
    group.refs.push(ref);
    group.indexes.push(index);
    groups.set(key, group);
  };
  manifest.files.forEach((file, index) => {
    if (file.object) {
      add('paket', manifest.paket!.bucket_name, manifest.paket!.prefix, file.object, index);
      return;
    }
    const locator = parseObjectUrl(file.url);
    // A URL names its key literally: a path reference at the bucket's root, not normalised.
    if (locator) add(`url:${locator.bucket_name}`, locator.bucket_name, '', { kind: 'path', path: `/${locator.key}`, want: { kind: 'latest' } }, index);
  });
  return [...groups.values()];
}

/** A resolved entry as a manifest file; a URL's own filename wins over the key's base name. */
function fileOf(requested: ManifestFile, r: Extract<ResolvedObject, { ok: true }>): ManifestFile {
  return {
    url: r.url,
    filename: requested.object ? r.filename : (requested.filename ?? r.filename),
    stored: { size: r.size, last_modified: r.last_modified, ...r.object },
  };
}

export async function resolveManifest(
  deps: { readonly blobs: Pick<BlobStore, 'findJson' | 'putJson'>; readonly objects?: OpenObjects },
  job: Pick<Job, 'id' | 'run' | 'tenant_id'>,
  manifest: Manifest,
  maxFiles: number,
): Promise<ResolvedManifest> {
  if (!namesObjects(manifest)) return { manifest, errors: [] };
  const key = objectKeys.resolved(job.id, job.run);
  const saved = await deps.blobs.findJson<SavedResolution>(key);
  if (saved?.v === 1) return { manifest: { files: saved.files }, errors: saved.errors };
  if (!deps.objects) throw new Error('prepare: a job naming stored objects needs the object resolver');

  const groups = groupsOf(manifest);
  const direct = manifest.files.length - groups.reduce((n, g) => n + g.refs.length, 0);
  const byIndex = new Map<number, ResolvedObject[]>();
  let budget = Math.max(0, maxFiles - direct);
  for (const group of groups) {
    const ports = await deps.objects(job.tenant_id, group.bucketName);
    const resolved = ports
      ? await resolveObjectsByRef(ports, { tenant_id: job.tenant_id, bucket_name: group.bucketName, prefix: group.prefix }, group.refs, budget)
      : group.refs.map((): ResolvedObject[] => [{ ok: false, url: `s3://${group.bucketName}/`, error: `no bucket named ${group.bucketName} is configured` }]);
    resolved.forEach((entries, i) => byIndex.set(group.indexes[i]!, entries));
    budget -= resolved.flat().filter((r) => r.ok).length;
  }

  const files: ManifestFile[] = [];
  const errors: JobError[] = [];
  manifest.files.forEach((file, index) => {
    const entries = byIndex.get(index);
    if (!entries) return files.push(file);
    for (const r of entries) {
      if (r.ok) files.push(fileOf(file, r));
      else errors.push({ url: r.url, error: r.error });
    }
  });
  await deps.blobs.putJson(key, { v: 1, files, errors } satisfies SavedResolution);
  return { manifest: { files }, errors };
}

/** A stored object's entry reads the version Prepare resolved, and fails if its ETag changed since. */
export function withObjectPin(entry: BinEntry, file: ManifestFile): BinEntry {
  if (!file.stored) return entry;
  const { revision, etag } = file.stored;
  return { ...entry, object: { ...(revision !== undefined && { revision }), ...(etag !== undefined && { etag }) } };
}

/** What a probe would tell of a resolved object, known without one. */
export function storedOutcome(file: ManifestFile): ProbeOutcome | undefined {
  const stored = file.stored;
  if (!stored) return undefined;
  return { ok: true, size: stored.size, accepts_ranges: true, ...(stored.etag !== undefined && { etag: stored.etag }), ...(stored.last_modified !== undefined && { last_modified: stored.last_modified }) };
}
