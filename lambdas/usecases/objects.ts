/**
 * The paket (`PUT`/`GET /settings/paket`) and its listing (`GET /objects`):
 * objects below a path prefix, a page at a time, each with its stable id and
 * its versions (numbered from 1, the oldest).
 */
import type { BucketStore } from '../adapters/bucket-store';
import type { ObjectCatalog } from '../adapters/object-catalog';
import type { ObjectIdStore } from '../adapters/object-id-store';
import type { BucketAccess } from '../adapters/object-source';
import type { PaketSettings, PaketStore } from '../adapters/paket-store';
import type { PaketView, StoredObjectView } from '../core/api/responses';
import { InvalidRequestError } from '../core/errors';
import { isFolderMarker, listObjectsQuerySchema, normalizePrefix, numberVersions, paketPath, paketSettingsRequestSchema } from '../core/objects';
import { mapConcurrent } from '../core/packing';
import { invalidField, parseOrThrow } from '../core/validation';

export interface ObjectsDeps {
  readonly pakets: PaketStore;
  readonly buckets: BucketStore;
  readonly ids: ObjectIdStore;
  /** Reaches one of the tenant's configured buckets. */
  readonly open: (tenantId: string, bucketName: string) => Promise<BucketAccess | undefined>;
  readonly catalog: (access: BucketAccess) => ObjectCatalog;
  readonly now: () => Date;
}

const paketView = (p: PaketSettings): PaketView => ({ bucket_name: p.bucket_name, prefix: p.prefix, updated_at: p.updated_at });

export async function putPaket(deps: ObjectsDeps, tenantId: string, body: unknown) {
  const request = parseOrThrow(paketSettingsRequestSchema, body);
  if (!(await deps.buckets.get(tenantId, request.bucket_name))) {
    throw invalidField('bucket_name', `no bucket named ${request.bucket_name} is configured (PUT /settings/buckets/${request.bucket_name} first)`);
  }
  const settings: PaketSettings = { tenant_id: tenantId, bucket_name: request.bucket_name, prefix: normalizePrefix(request.prefix), updated_at: deps.now().toISOString() };
  await deps.pakets.put(settings);
  return { paket: paketView(settings) };
}

/** The tenant's paket and a way into its bucket; a 400 when there is none to use. */
export async function openPaket(deps: Pick<ObjectsDeps, 'pakets' | 'open'>, tenantId: string) {
  const paket = await deps.pakets.get(tenantId);
  if (!paket) throw new InvalidRequestError('no paket is configured: PUT /settings/paket {"bucket_name": …} first');
  const access = await deps.open(tenantId, paket.bucket_name);
  if (!access) throw new InvalidRequestError(`the paket's bucket ${paket.bucket_name} is no longer configured`);
  return { paket, access };
}

export async function getPaket(deps: ObjectsDeps, tenantId: string) {
  const paket = await deps.pakets.get(tenantId);
  if (!paket) throw new InvalidRequestError('no paket is configured: PUT /settings/paket {"bucket_name": …} first');
  return { paket: paketView(paket) };
}

// A cursor is the last key of a page and the prefix it was issued for: a tenant can only page its own paket with it.
function encodeCursor(after: string, prefix: string): string {
  return Buffer.from(JSON.stringify({ a: after, p: prefix })).toString('base64url');
}
function decodeCursor(cursor: string, prefix: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { a?: unknown; p?: unknown };
    if (typeof parsed.a === 'string' && parsed.p === prefix) return parsed.a;
  } catch {
    // falls through to the 400
  }
  throw invalidField('cursor', 'is not a cursor this listing issued (use meta.next_cursor as given, with the same prefix)');
}

const VERSION_LOOKUPS = 8;

export async function listObjects(deps: ObjectsDeps, tenantId: string, query: unknown) {
  const q = parseOrThrow(listObjectsQuerySchema, query);
  const { paket, access } = await openPaket(deps, tenantId);
  const pathPrefix = q.prefix ?? '/';
  const keyPrefix = paket.prefix + pathPrefix.replace(/^\/+/, '');
  const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor, pathPrefix);
  const catalog = deps.catalog(access);
  const page = await catalog.list(keyPrefix, after, q.limit);
  const listed = page.objects.filter((o) => !isFolderMarker(o.key));
  const ids = await deps.ids.idsFor(tenantId, paket.bucket_name, listed.map((o) => o.key));
  const objects = await mapConcurrent(listed, VERSION_LOOKUPS, async (o): Promise<StoredObjectView> => {
    const versions = numberVersions(await catalog.versions(o.key, o));
    return {
      id: ids.get(o.key)!,
      path: paketPath(paket.prefix, o.key)!,
      size: o.size,
      last_modified: o.last_modified,
      versions: versions.map((v) => ({ version: v.version, revision: v.revision, size: v.size, last_modified: v.last_modified })),
    };
  });
  return { objects, meta: { next_cursor: page.next === undefined ? null : encodeCursor(page.next, pathPrefix), has_more: page.next !== undefined } };
}
