import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Job, JobStatus, ZipRecord, ZipStatus } from '../core/jobs/model';

export interface ApiKeyRecord {
  readonly key_hash: string;
  readonly tenant_id: string;
  readonly plan: string;
  readonly name: string;
  readonly created_at: string;
  readonly revoked_at?: string;
}

/** Jobs, their ZIPs and API keys, in the one table (key design in the comments below). */
export interface JobStore {
  getApiKey(keyHash: string): Promise<ApiKeyRecord | undefined>;
  putApiKey(record: ApiKeyRecord): Promise<void>;
  /** Every key record (a table scan: for the operator's CLI, not for requests). */
  listApiKeys(): Promise<ApiKeyRecord[]>;
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
}

// pk JOB#<id> / sk JOB       the job; gsi1 = (TENANT#<tenant>, <created_at>#<id>) lists a tenant's jobs newest first
// pk JOB#<id> / sk ZIP#<seq> its ZIPs, read with the job in one query
// pk KEY#<sha256> / sk KEY   an API key
const jobKey = (id: string) => ({ pk: `JOB#${id}`, sk: 'JOB' });
const zipSortKey = (sequence: number) => `ZIP#${String(sequence).padStart(6, '0')}`;
const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'ttl', 'type'];

/** Job records stay readable for history this long after they expire. */
const HISTORY_SECONDS = 30 * 86_400;

function strip<T>(item: Record<string, unknown>): T {
  const out = { ...item };
  for (const k of KEY_ATTRIBUTES) delete out[k];
  return out as T;
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

function conditionFailed(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error as { name?: string }).name === 'ConditionalCheckFailedException';
}

export function dynamoJobStore(client: DynamoDBDocumentClient, table: string): JobStore {
  async function conditionalUpdate(
    key: Record<string, string>,
    from: readonly string[],
    changes: Record<string, unknown>,
  ): Promise<boolean> {
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = {};
    const sets = setExpression(changes, names, values);
    const allowed = from.map((s, i) => {
      values[`:from${i}`] = s;
      return `:from${i}`;
    });
    try {
      await client.send(
        new UpdateCommand({
          TableName: table,
          Key: key,
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: `attribute_exists(pk) AND #status IN (${allowed.join(', ')})`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  }

  async function queryAll(jobId: string, skPrefix: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await client.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': `JOB#${jobId}`, ':prefix': skPrefix },
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  return {
    async getApiKey(keyHash) {
      const out = await client.send(new GetCommand({ TableName: table, Key: { pk: `KEY#${keyHash}`, sk: 'KEY' } }));
      return out.Item ? strip<ApiKeyRecord>(out.Item) : undefined;
    },

    async putApiKey(record) {
      await client.send(new PutCommand({ TableName: table, Item: { pk: `KEY#${record.key_hash}`, sk: 'KEY', type: 'key', ...record } }));
    },

    async listApiKeys() {
      const keys: ApiKeyRecord[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await client.send(
          new ScanCommand({
            TableName: table,
            FilterExpression: '#type = :key',
            ExpressionAttributeNames: { '#type': 'type' },
            ExpressionAttributeValues: { ':key': 'key' },
            ExclusiveStartKey: start,
          }),
        );
        keys.push(...(out.Items ?? []).map((i) => strip<ApiKeyRecord>(i)));
        start = out.LastEvaluatedKey;
      } while (start);
      return keys;
    },

    async createJob(job) {
      const ttl = Math.floor(Date.parse(job.expires_at) / 1000) + HISTORY_SECONDS;
      try {
        await client.send(
          new PutCommand({
            TableName: table,
            Item: { ...jobKey(job.id), type: 'job', gsi1pk: `TENANT#${job.tenant_id}`, gsi1sk: `${job.created_at}#${job.id}`, ttl, ...job },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (error) {
        if (conditionFailed(error)) return false;
        throw error;
      }
    },

    async getJob(jobId) {
      const out = await client.send(new GetCommand({ TableName: table, Key: jobKey(jobId), ConsistentRead: true }));
      return out.Item ? strip<Job>(out.Item) : undefined;
    },

    async getJobWithZips(jobId) {
      const items = await queryAll(jobId, '');
      const jobItem = items.find((i) => i.sk === 'JOB');
      if (!jobItem) return undefined;
      const zips = items.filter((i) => String(i.sk).startsWith('ZIP#')).map((i) => strip<ZipRecord>(i));
      return { job: strip<Job>(jobItem), zips };
    },

    async listZips(jobId) {
      return (await queryAll(jobId, 'ZIP#')).map((i) => strip<ZipRecord>(i));
    },

    async putZips(zips) {
      for (let i = 0; i < zips.length; i += 25) {
        let requests: Record<string, unknown>[] | undefined = zips.slice(i, i + 25).map((zip) => ({
          PutRequest: { Item: { pk: `JOB#${zip.job_id}`, sk: zipSortKey(zip.sequence), type: 'zip', ...zip } },
        }));
        for (let attempt = 0; requests && requests.length > 0; attempt++) {
          if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt) * Math.random()));
          const out = await client.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
          requests = out.UnprocessedItems?.[table] as Record<string, unknown>[] | undefined;
        }
      }
    },

    transitionJob(jobId, from, to, changes = {}) {
      return conditionalUpdate(jobKey(jobId), from, { ...changes, status: to });
    },

    updateZip(jobId, sequence, from, changes) {
      return conditionalUpdate({ pk: `JOB#${jobId}`, sk: zipSortKey(sequence) }, from, changes);
    },
  };
}
