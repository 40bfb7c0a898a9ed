import { batchWrite } from './batch-write';
import { conditionally, isConditionFailed } from './dynamo-conditions';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Job, JobStatus, ZipProgress, ZipRecord, ZipStatus } from '../core/jobs/model';
import { queryItems } from './dynamo-paging';
import { ZIP_PREFIX, jobKey, jobPartition, listSortKey, statusListKey, tenantListKey, withoutKeys, zipKey } from './job-keys';
import { withClientMetadata, withStoredMetadata } from './client-maps';
import { countJobItems, queryJobPage, type JobListQuery } from './job-listing';
import type { StatusChangeListener } from './status-events';
import { dynamoUnfinishedJobs } from './unfinished-jobs';
import { isTerminal } from '../core/jobs/model';

export type { JobListQuery };

/**
 * Jobs and their ZIPs (key design in job-keys.ts). The other items of a
 * job's partition have stores of their own: its expiry (job-expiry.ts), its
 * ZIPs' usage flags (usage-flags.ts), its long lists (job-lists.ts).
 */
export interface JobStore {
  /** Fails with `false` when a job with that id already exists. */
  createJob(job: Job): Promise<boolean>;
  getJob(jobId: string): Promise<Job | undefined>;
  getJobWithZips(jobId: string): Promise<{ job: Job; zips: ZipRecord[] } | undefined>;
  listZips(jobId: string): Promise<ZipRecord[]>;
  putZips(zips: readonly ZipRecord[]): Promise<void>;
  /** Moves the job to `to` only from one of `from`; returns whether it moved. */
  transitionJob(jobId: string, from: readonly JobStatus[], to: JobStatus, changes?: Partial<Job>): Promise<boolean>;
  /** Updates a ZIP only while its status is one of `from`; returns whether it changed. */
  updateZip(jobId: string, sequence: number, from: readonly ZipStatus[], changes: Partial<ZipRecord>): Promise<boolean>;
  /** One segment's own progress on a ZIP being built in segments (`segment_progress` set by its plan); false once the ZIP is not processing. */
  reportSegment(jobId: string, sequence: number, segment: number, progress: ZipProgress): Promise<boolean>;
  /** Deletes the job's ZIP records with these sequences (missing ones are fine): a re-pack that made fewer ZIPs. */
  deleteZips(jobId: string, sequences: readonly number[]): Promise<void>;
  /**
   * A page of the tenant's jobs, newest first, optionally of one status,
   * starting after `after` (an opaque position this method returned as `next`).
   * `next` is set only when more jobs follow.
   */
  listJobs(tenantId: string, query: JobListQuery): Promise<{ jobs: Job[]; next: string | null }>;
  /** How many jobs the tenant has (of one status): COUNT queries on the index. */
  countJobs(tenantId: string, status: JobStatus | null): Promise<number>;
}


/** Ids of recently seen jobs → their tenant (immutable), so that transitions rarely need a read for gsi2pk. */
const TENANT_CACHE_SIZE = 1000;

/** Job records stay readable for history this long after they expire. */
const HISTORY_SECONDS = 30 * 86_400;

function jobFromItem(item: Record<string, unknown>): Job {
  const job = withoutKeys<Job>(item);
  return job.options ? { ...job, options: withClientMetadata(job.options) } : job;
}

function setExpression(changes: Record<string, unknown>, names: Record<string, string>, values: Record<string, unknown>): string[] {
  return Object.entries(changes)
    .filter(([, v]) => v !== undefined)
    .map(([k, v], i) => {
      names[`#c${i}`] = k;
      values[`:c${i}`] = v;
      return `#c${i} = :c${i}`;
    });
}

/**
 * `onStatusChange` hears every job status change this store makes (creation
 * included): the one place status events are raised, whichever use case moves the job.
 */
export function dynamoJobStore(client: DynamoDBDocumentClient, table: string, onStatusChange?: StatusChangeListener): JobStore {
  const tenants = new Map<string, string>();
  // Marked before a job becomes unfinished, unmarked once it has ended: the sweeper never misses one.
  const unfinished = dynamoUnfinishedJobs(client, table);
  const remember = (job: Pick<Job, 'id' | 'tenant_id'>) => {
    if (tenants.size >= TENANT_CACHE_SIZE) tenants.delete(tenants.keys().next().value!);
    tenants.set(job.id, job.tenant_id);
  };
  async function tenantOf(jobId: string): Promise<string | undefined> {
    const known = tenants.get(jobId);
    if (known !== undefined) return known;
    const out = await client.send(
      new GetCommand({ TableName: table, Key: jobKey(jobId), ProjectionExpression: 'tenant_id', ConsistentRead: true }),
    );
    const tenant = out.Item?.tenant_id as string | undefined;
    if (tenant !== undefined) remember({ id: jobId, tenant_id: tenant });
    return tenant;
  }

  /** The item as it was before the update, or undefined when the condition failed. */
  async function conditionalUpdate(
    key: Record<string, string>,
    from: readonly string[],
    changes: Record<string, unknown>,
    tenantId?: string,
  ): Promise<Record<string, unknown> | undefined> {
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = {};
    const sets = setExpression(changes, names, values);
    const allowed = from.map((s, i) => {
      values[`:from${i}`] = s;
      return `:from${i}`;
    });
    // gsi2pk names the tenant; checking it here keeps a wrong one from ever being written.
    if (tenantId !== undefined) values[':tenant'] = tenantId;
    const sameTenant = tenantId !== undefined ? ' AND tenant_id = :tenant' : '';
    try {
      const out = await client.send(
        new UpdateCommand({
          TableName: table,
          Key: key,
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: `attribute_exists(pk) AND #status IN (${allowed.join(', ')})${sameTenant}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_OLD',
        }),
      );
      return out.Attributes ?? {};
    } catch (error) {
      if (isConditionFailed(error)) return undefined;
      throw error;
    }
  }

  /** The job's partition items whose sort key starts with `skPrefix`. */
  const queryAll = (jobId: string, skPrefix: string) =>
    queryItems(client, {
      TableName: table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': jobPartition(jobId), ':prefix': skPrefix },
      ConsistentRead: true,
    });

  return {
    async createJob(job) {
      const ttl = Math.floor(Date.parse(job.expires_at) / 1000) + HISTORY_SECONDS;
      await unfinished.mark(job.id, job.created_at);
      const created = await conditionally(() =>
        client.send(
          new PutCommand({
            TableName: table,
            Item: {
              ...jobKey(job.id),
              type: 'job',
              gsi1pk: tenantListKey(job.tenant_id),
              gsi1sk: listSortKey(job),
              gsi2pk: statusListKey(job.tenant_id, job.status),
              ttl,
              ...job,
              options: withStoredMetadata(job.options),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
      if (!created) return false;
      remember(job);
      await onStatusChange?.(job, null);
      return true;
    },

    async getJob(jobId) {
      const out = await client.send(new GetCommand({ TableName: table, Key: jobKey(jobId), ConsistentRead: true }));
      if (!out.Item) return undefined;
      const job = jobFromItem(out.Item);
      remember(job);
      return job;
    },

    async getJobWithZips(jobId) {
      // The job and its ZIPs only: the job's long lists (job-lists.ts) share its partition.
      const [jobOut, zipItems] = await Promise.all([
        client.send(new GetCommand({ TableName: table, Key: jobKey(jobId), ConsistentRead: true })),
        queryAll(jobId, ZIP_PREFIX),
      ]);
      if (!jobOut.Item) return undefined;
      const job = jobFromItem(jobOut.Item);
      remember(job);
      return { job, zips: zipItems.map((i) => withoutKeys<ZipRecord>(i)) };
    },

    async listZips(jobId) {
      return (await queryAll(jobId, ZIP_PREFIX)).map((i) => withoutKeys<ZipRecord>(i));
    },

    async putZips(zips) {
      await batchWrite(
        client,
        table,
        zips.map((zip) => ({ PutRequest: { Item: { ...zipKey(zip.job_id, zip.sequence), type: 'zip', ...zip } } })),
      );
    },

    async transitionJob(jobId, from, to, changes = {}) {
      const tenantId = await tenantOf(jobId);
      if (tenantId === undefined) return false;
      // A retry makes an ended job unfinished again: its new run is marked first.
      if (!isTerminal(to) && from.some(isTerminal)) await unfinished.mark(jobId, changes.updated_at ?? new Date().toISOString());
      const before = await conditionalUpdate(jobKey(jobId), from, { ...changes, status: to, gsi2pk: statusListKey(tenantId, to) }, tenantId);
      if (!before) return false;
      if (isTerminal(to)) await unfinished.clear(jobId);
      const previous = before.status as JobStatus | undefined;
      // A repeated step (same status again) is not a change.
      if (onStatusChange && previous !== undefined && previous !== to) {
        await onStatusChange({ ...jobFromItem(before), ...changes, status: to }, previous);
      }
      return true;
    },

    async updateZip(jobId, sequence, from, changes) {
      return (await conditionalUpdate(zipKey(jobId, sequence), from, changes)) !== undefined;
    },

    async reportSegment(jobId, sequence, segment, progress) {
      return conditionally(() =>
        client.send(
          new UpdateCommand({
            TableName: table,
            Key: zipKey(jobId, sequence),
            // Its own entry of the map only: concurrent segments never overwrite one another.
            UpdateExpression: 'SET #sp.#segment = :progress',
            ConditionExpression: 'attribute_exists(#sp) AND #status = :processing',
            ExpressionAttributeNames: { '#sp': 'segment_progress', '#segment': String(segment), '#status': 'status' },
            ExpressionAttributeValues: { ':progress': progress, ':processing': 'processing' },
          }),
        ),
      );
    },

    async deleteZips(jobId, sequences) {
      await batchWrite(client, table, sequences.map((sequence) => ({ DeleteRequest: { Key: zipKey(jobId, sequence) } })));
    },

    async listJobs(tenantId, query) {
      const page = await queryJobPage(client, table, tenantId, query);
      return { jobs: page.items.map((i) => jobFromItem(i)), next: page.next };
    },

    countJobs: (tenantId, status) => countJobItems(client, table, tenantId, status),
  };
}
