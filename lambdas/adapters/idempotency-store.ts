import { isConditionFailed } from './dynamo-conditions';
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { idempotencyKey } from './job-keys';

/** Which job an `Idempotency-Key` stands for, and the body it was first sent with. */
export interface IdempotencyClaim {
  readonly job_id: string;
  readonly body_hash: string;
  /** True when this call made the claim; false when an earlier, unexpired one holds the key. */
  readonly claimed: boolean;
}

export interface IdempotencyStore {
  /**
   * Claims the key for `jobId` unless an unexpired claim holds it already,
   * atomically: of two concurrent claims one wins and the other reads it.
   */
  claim(tenantId: string, keyHash: string, jobId: string, bodyHash: string, nowSeconds: number, ttlSeconds: number): Promise<IdempotencyClaim>;
  /** Forgets a claim that led to no job, only while it still names that job. */
  release(tenantId: string, keyHash: string, jobId: string): Promise<void>;
}

// DynamoDB's TTL deletes late (and dynalite never), so an item past its `ttl` counts as absent.

export function dynamoIdempotencyStore(client: DynamoDBDocumentClient, table: string): IdempotencyStore {
  return {
    async claim(tenantId, keyHash, jobId, bodyHash, nowSeconds, ttlSeconds) {
      // A claim read back may expire (or be released) before we act on it: then claim again, a bounded number of times.
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          await client.send(
            new PutCommand({
              TableName: table,
              Item: { ...idempotencyKey(tenantId, keyHash), type: 'idempotency', job_id: jobId, body_hash: bodyHash, ttl: nowSeconds + ttlSeconds },
              ConditionExpression: 'attribute_not_exists(pk) OR #ttl <= :now',
              ExpressionAttributeNames: { '#ttl': 'ttl' },
              ExpressionAttributeValues: { ':now': nowSeconds },
            }),
          );
          return { job_id: jobId, body_hash: bodyHash, claimed: true };
        } catch (error) {
          if (!isConditionFailed(error)) throw error;
        }
        const out = await client.send(new GetCommand({ TableName: table, Key: idempotencyKey(tenantId, keyHash), ConsistentRead: true }));
        const item = out.Item;
        if (item && Number(item.ttl) > nowSeconds) return { job_id: String(item.job_id), body_hash: String(item.body_hash), claimed: false };
      }
      throw new Error('idempotency key: could not claim or read the claim');
    },

    async release(tenantId, keyHash, jobId) {
      try {
        await client.send(
          new DeleteCommand({
            TableName: table,
            Key: idempotencyKey(tenantId, keyHash),
            ConditionExpression: 'job_id = :job',
            ExpressionAttributeValues: { ':job': jobId },
          }),
        );
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
      }
    },
  };
}
