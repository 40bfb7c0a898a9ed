/**
 * Which jobs are unfinished, without scanning the table: a small marker item
 * beside each unfinished job, listed by the existing gsi2 under partitions of
 * their own, oldest first. The job store writes a marker before a job becomes
 * unfinished (created, retried) and deletes it once the job has ended; a
 * marker left behind by a crash is found stale and deleted by the sweeper, so
 * a crash can leave an extra marker, never a missing one.
 *
 * pk JOB#<id> / sk UNFINISHED   gsi2 = (UNFINISHED#<shard>, <since>#<id>); `since`: when the job's current run was made
 */
import { DeleteCommand, paginateQuery, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { conditionally, isConditionFailed } from './dynamo-conditions';
import { unfinishedKey, unfinishedPartition } from './job-keys';

/** A job marked unfinished since `since` (ISO time its current run was made). */
export interface UnfinishedMark {
  readonly job_id: string;
  readonly since: string;
}

export interface UnfinishedJobs {
  /** Marks the job unfinished since `since` (replacing an earlier mark). */
  mark(jobId: string, since: string): Promise<void>;
  /** Marks the job unfinished since `since` unless it has a mark; false when it had one. */
  markIfAbsent(jobId: string, since: string): Promise<boolean>;
  /** Deletes the job's mark; with `since`, only while it is that mark (a retry may have made a newer one). */
  clear(jobId: string, since?: string): Promise<void>;
  /** The marks made before `before` (ISO time), oldest first within each partition. */
  listBefore(before: string): AsyncIterable<UnfinishedMark>;
}

/**
 * Marks are spread over a few index partitions so that one partition's write
 * rate (1,000 a second on an index) never limits how fast jobs are created.
 */
const SHARDS = 4;
const shardOf = (jobId: string) => createHash('sha256').update(jobId).digest()[0]! % SHARDS;

export function dynamoUnfinishedJobs(client: DynamoDBDocumentClient, table: string): UnfinishedJobs {
  const key = unfinishedKey;
  const item = (jobId: string, since: string) => ({ ...key(jobId), type: 'unfinished', gsi2pk: unfinishedPartition(shardOf(jobId)), gsi1sk: `${since}#${jobId}`, job_id: jobId, since });
  return {
    async mark(jobId, since) {
      await client.send(new PutCommand({ TableName: table, Item: item(jobId, since) }));
    },

    async markIfAbsent(jobId, since) {
      return conditionally(() => client.send(new PutCommand({ TableName: table, Item: item(jobId, since), ConditionExpression: 'attribute_not_exists(pk)' })));
    },

    async clear(jobId, since) {
      try {
        await client.send(
          new DeleteCommand({
            TableName: table,
            Key: key(jobId),
            ...(since !== undefined && { ConditionExpression: 'since = :since', ExpressionAttributeValues: { ':since': since } }),
          }),
        );
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
      }
    },

    async *listBefore(before) {
      for (let shard = 0; shard < SHARDS; shard++) {
        const pages = paginateQuery(
          { client },
          {
            TableName: table,
            IndexName: 'gsi2',
            KeyConditionExpression: 'gsi2pk = :pk AND gsi1sk < :before',
            ExpressionAttributeValues: { ':pk': unfinishedPartition(shard), ':before': before },
            ProjectionExpression: 'job_id, since',
          },
        );
        for await (const page of pages) for (const item of page.Items ?? []) yield { job_id: String(item.job_id), since: String(item.since) };
      }
    },
  };
}
