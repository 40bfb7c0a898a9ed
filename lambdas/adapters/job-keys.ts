/**
 * Every key of the one table, built here and nowhere else (the stores
 * import these; no store spells a `JOB#`-style literal itself).
 *
 * pk JOB#<id> / sk JOB        the job; gsi1 = (TENANT#<tenant>, <created_at>#<id>) lists a tenant's jobs newest first;
 *                             gsi2 = (TENANT#<tenant>#<status>, gsi1sk) the same by status: every status write sets gsi2pk
 * pk JOB#<id> / sk ZIP#<seq>  its ZIPs
 * pk JOB#<id> / sk EXPIRY     its expiry marker, deleted by TTL at expires_at (the stream then deletes its objects)
 * pk JOB#<id> / sk LIST#<kind>#<scope>#<chunk>   a chunk of one of its long lists (job-lists.ts)
 * pk JOB#<id> / sk UNFINISHED while it is unfinished; gsi2 = (UNFINISHED#<shard>, <since>#<id>) lists them for the sweeper (unfinished-jobs.ts)
 * pk KEY#<sha256> / sk KEY    an API key; gsi1 = (KEYS#<tenant>, <created_at>#<sha256>) lists a tenant's keys
 * pk TENANT#<id> / sk WEBHOOK | PAKET | BUCKET#<name>   a tenant's webhook settings, paket, configured buckets
 * pk SCHEDULE#<id> / sk SCHEDULE   a schedule; gsi1 = (SCHEDULES#<tenant>, <created_at>#<id>) lists a tenant's schedules
 * pk IDEMP#<tenant>#<sha256(key)> / sk IDEMP   an Idempotency-Key's job
 * pk OBJKEY#<tenant>#<bucket_name>#<key> / sk OBJKEY   a stored object's id; pk OBJID#<tenant>#<id> / sk OBJID   the object an id names
 * pk USAGE#<tenant> / sk MONTH#<yyyy-mm>   usage counters for the month
 * pk RATE#<tenant> / sk <window start>     requests in a rate window; expires by TTL
 * pk SWEEPER / sk BACKFILL     how far the one-off marking of unfinished jobs made before markers existed has got (unfinished-backfill.ts)
 * pk DLRATE#<sha256(link)> / sk <window start>   requests for one download link (token or ZipBall id) in a rate window; expires by TTL
 */
import type { Job, JobStatus } from '../core/jobs/model';

type TableKey = { readonly pk: string; readonly sk: string };

const pad = (n: number) => String(n).padStart(6, '0');

// Jobs and what lives in their partition.
const JOB = 'JOB#';
export const jobPartition = (id: string) => `${JOB}${id}`;
/** The job id of a key in a job's partition; undefined for any other item. */
export const jobIdOfPartition = (pk: string): string | undefined => (pk.startsWith(JOB) ? pk.slice(JOB.length) : undefined);
export const JOB_SORT_KEY = 'JOB';
export const EXPIRY_SORT_KEY = 'EXPIRY';
export const jobKey = (id: string): TableKey => ({ pk: jobPartition(id), sk: JOB_SORT_KEY });
export const expiryKey = (jobId: string): TableKey => ({ pk: jobPartition(jobId), sk: EXPIRY_SORT_KEY });
/** The marker of an unfinished job (unfinished-jobs.ts), and gsi2's partitions that list them. */
export const unfinishedKey = (jobId: string): TableKey => ({ pk: jobPartition(jobId), sk: 'UNFINISHED' });
export const unfinishedPartition = (shard: number) => `UNFINISHED#${shard}`;
/** The backfill of unfinished jobs' markers: its progress. */
export const unfinishedBackfillKey: TableKey = { pk: 'SWEEPER', sk: 'BACKFILL' };
export const ZIP_PREFIX = 'ZIP#';
export const zipKey = (jobId: string, sequence: number): TableKey => ({ pk: jobPartition(jobId), sk: `${ZIP_PREFIX}${pad(sequence)}` });

// A job's long lists: chunk items under LIST#<kind>#<scope>#<chunk>.
export const listPrefix = (kind: string) => `LIST#${kind}#`;
export const listScopePrefix = (kind: string, scope: number) => `${listPrefix(kind)}${pad(scope)}#`;
export const listChunkSortKey = (kind: string, scope: number, chunk: number) => `${listScopePrefix(kind, scope)}${pad(chunk)}`;
export function parseListChunkSortKey(sk: string): { scope: number; chunk: number } {
  const [, , scope, chunk] = sk.split('#');
  return { scope: Number(scope), chunk: Number(chunk) };
}

/** gsi1's partition: all of a tenant's jobs. */
export const tenantListKey = (tenantId: string) => `TENANT#${tenantId}`;
/** gsi2's partition: a tenant's jobs of one status (rewritten by every status change). */
export const statusListKey = (tenantId: string, status: JobStatus) => `TENANT#${tenantId}#${status}`;
/** A job's sort key in both indexes (`gsi1sk`), and the position a listing cursor carries. */
export const listSortKey = (job: Pick<Job, 'created_at' | 'id'>) => `${job.created_at}#${job.id}`;
/** A position as listSortKey writes it: the job's creation time and id. */
export const LIST_POSITION = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)#([0-9a-f-]{36})$/;

// API keys.
export const apiKeyKey = (keyHash: string): TableKey => ({ pk: `KEY#${keyHash}`, sk: 'KEY' });
/** gsi1's partition of a tenant's keys, apart from its jobs and schedules. */
export const tenantKeysPartition = (tenantId: string) => `KEYS#${tenantId}`;
/** The gsi1 attributes of a tenant's key record. */
export const keyIndexAttributes = (tenantId: string, createdAt: string, keyHash: string) => ({ gsi1pk: tenantKeysPartition(tenantId), gsi1sk: `${createdAt}#${keyHash}` });

// A tenant's settings: one item per concern under its partition, so nothing else about the tenant is overwritten.
const tenantPartition = (tenantId: string) => `TENANT#${tenantId}`;
export const webhookKey = (tenantId: string): TableKey => ({ pk: tenantPartition(tenantId), sk: 'WEBHOOK' });
export const paketKey = (tenantId: string): TableKey => ({ pk: tenantPartition(tenantId), sk: 'PAKET' });
export const BUCKET_PREFIX = 'BUCKET#';
export const bucketKey = (tenantId: string, name: string): TableKey => ({ pk: tenantPartition(tenantId), sk: `${BUCKET_PREFIX}${name}` });
/** The query for all of a tenant's configured buckets. */
export const bucketsQuery = (tenantId: string) => ({ pk: tenantPartition(tenantId), skPrefix: BUCKET_PREFIX });

// Schedules.
export const scheduleKey = (id: string): TableKey => ({ pk: `SCHEDULE#${id}`, sk: 'SCHEDULE' });
/** gsi1's partition of a tenant's schedules (a partition of its own, apart from its jobs). */
export const tenantSchedulesPartition = (tenantId: string) => `SCHEDULES#${tenantId}`;
export const scheduleIndexAttributes = (schedule: { readonly tenant_id: string; readonly created_at: string; readonly id: string }) => ({
  gsi1pk: tenantSchedulesPartition(schedule.tenant_id),
  gsi1sk: `${schedule.created_at}#${schedule.id}`,
});

// Idempotency keys, stored objects' ids, usage.
export const idempotencyKey = (tenantId: string, keyHash: string): TableKey => ({ pk: `IDEMP#${tenantId}#${keyHash}`, sk: 'IDEMP' });
/** The key last: it may hold any character. */
export const objectKeyItemKey = (tenantId: string, bucketName: string, key: string): TableKey => ({ pk: `OBJKEY#${tenantId}#${bucketName}#${key}`, sk: 'OBJKEY' });
export const objectIdItemKey = (tenantId: string, id: string): TableKey => ({ pk: `OBJID#${tenantId}#${id}`, sk: 'OBJID' });
export const usageKey = (tenantId: string, month: string): TableKey => ({ pk: `USAGE#${tenantId}`, sk: `MONTH#${month}` });
export const rateKey = (tenantId: string, windowStart: number): TableKey => ({ pk: `RATE#${tenantId}`, sk: String(windowStart) });
/** A download link's hash, never the link: a token is a credential. */
export const downloadRateKey = (linkHash: string, windowStart: number): TableKey => ({ pk: `DLRATE#${linkHash}`, sk: String(windowStart) });

const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'ttl', 'type'];

/** An item without the table's key and bookkeeping attributes: the record it stores. */
export function withoutKeys<T>(item: Record<string, unknown>): T {
  const out = { ...item };
  for (const k of KEY_ATTRIBUTES) delete out[k];
  return out as T;
}
