/**
 * The backfill's table reads: a paged Scan of job records still unfinished
 * (a filter on `sk = JOB` and the status, so pages carry only those), and its
 * progress in one item, the scan's position as JSON between runs.
 */
import { GetCommand, PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { JobStatus } from '../core/jobs/model';
import { JOB_SORT_KEY, unfinishedBackfillKey } from './job-keys';

/**
 * The table read once, in pages, for jobs that are unfinished but may have
 * no marker (made before markers existed), with where it has got to.
 */
export interface UnfinishedBackfill {
  /** Where the backfill stands: done, or the position to go on from (undefined: the start). */
  progress(): Promise<{ readonly done: boolean; readonly position?: string }>;
  /** One page of job records from `position`, and the next position (undefined after the last page). */
  page(position: string | undefined): Promise<{ readonly jobs: readonly { readonly id: string; readonly status: JobStatus }[]; readonly next?: string }>;
  /** Saves the position reached; `done` once every page was read. */
  save(position: string | undefined, done: boolean): Promise<void>;
}

export function dynamoUnfinishedBackfill(client: DynamoDBDocumentClient, table: string): UnfinishedBackfill {
  return {
    async progress() {
      const out = await client.send(new GetCommand({ TableName: table, Key: unfinishedBackfillKey, ConsistentRead: true }));
      return { done: out.Item?.done === true, ...(typeof out.Item?.position === 'string' && { position: out.Item.position }) };
    },

    async page(position) {
      const out = await client.send(
        new ScanCommand({
          TableName: table,
          FilterExpression: '#sk = :job AND #status IN (:preparing, :pending, :processing)',
          ExpressionAttributeNames: { '#id': 'id', '#sk': 'sk', '#status': 'status' },
          ExpressionAttributeValues: { ':job': JOB_SORT_KEY, ':preparing': 'preparing', ':pending': 'pending', ':processing': 'processing' },
          ProjectionExpression: '#id, #status',
          ...(position !== undefined && { ExclusiveStartKey: JSON.parse(position) as Record<string, unknown> }),
        }),
      );
      const jobs = (out.Items ?? []).map((item) => ({ id: String(item.id), status: item.status as JobStatus }));
      return { jobs, ...(out.LastEvaluatedKey && { next: JSON.stringify(out.LastEvaluatedKey) }) };
    },

    async save(position, done) {
      await client.send(new PutCommand({ TableName: table, Item: { ...unfinishedBackfillKey, done, ...(position !== undefined && { position }) } }));
    },
  };
}
