import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchWrite } from './batch-write';
import { queryItems } from './dynamo-paging';
import { JOB_SORT_KEY, expiryKey, jobPartition } from './job-keys';

/**
 * A job's expiry, in two steps driven by the table's TTL: the marker's
 * deletion (at `expires_at`) cleans up the job's objects; the job record's
 * (30 days later) takes the rest of its partition with it.
 */
export interface JobExpiry {
  /** The item whose TTL deletion (at `expiresAt`) triggers the job's cleanup. */
  putMarker(jobId: string, expiresAt: string): Promise<void>;
  /** Deletes the job's remaining records (its ZIPs, lists, the marker); the job record goes by its own TTL. */
  deleteJobRecords(jobId: string): Promise<void>;
}

export function dynamoJobExpiry(client: DynamoDBDocumentClient, table: string): JobExpiry {
  return {
    async putMarker(jobId, expiresAt) {
      await client.send(new PutCommand({ TableName: table, Item: { ...expiryKey(jobId), type: 'expiry', ttl: Math.ceil(Date.parse(expiresAt) / 1000) } }));
    },

    async deleteJobRecords(jobId) {
      const items = await queryItems(client, { TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': jobPartition(jobId) }, ConsistentRead: true });
      const keys = items.filter((i) => i.sk !== JOB_SORT_KEY).map((i) => ({ DeleteRequest: { Key: { pk: i.pk, sk: i.sk } } }));
      await batchWrite(client, table, keys);
    },
  };
}
