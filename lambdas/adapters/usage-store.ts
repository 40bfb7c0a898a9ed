import { isConditionFailed } from './dynamo-conditions';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { rateKey, usageKey } from './job-keys';

export interface MonthlyUsage {
  readonly stored_gb_days: number;
  readonly stream_gb: number;
}

/** Per-tenant usage counters and request-rate windows, in the one table. */
export interface UsageStore {
  monthly(tenantId: string, month: string): Promise<MonthlyUsage>;
  addStored(tenantId: string, month: string, gbDays: number): Promise<void>;
  /** Adds bytes sent in stream mode, in GB. */
  addStream(tenantId: string, month: string, gb: number): Promise<void>;
  /** Counts a request in the tenant's window; false when the window is already full. */
  admit(tenantId: string, windowStartSeconds: number, windowSeconds: number, limit: number): Promise<boolean>;
}

export function dynamoUsageStore(client: DynamoDBDocumentClient, table: string): UsageStore {
  return {
    async monthly(tenantId, month) {
      const out = await client.send(new GetCommand({ TableName: table, Key: usageKey(tenantId, month) }));
      return { stored_gb_days: Number(out.Item?.stored_gb_days ?? 0), stream_gb: Number(out.Item?.stream_gb ?? 0) };
    },

    async addStored(tenantId, month, gbDays) {
      await client.send(
        new UpdateCommand({
          TableName: table,
          Key: usageKey(tenantId, month),
          UpdateExpression: 'ADD stored_gb_days :n',
          ExpressionAttributeValues: { ':n': gbDays },
        }),
      );
    },

    async addStream(tenantId, month, gb) {
      await client.send(
        new UpdateCommand({
          TableName: table,
          Key: usageKey(tenantId, month),
          UpdateExpression: 'ADD stream_gb :n',
          ExpressionAttributeValues: { ':n': gb },
        }),
      );
    },

    async admit(tenantId, windowStart, windowSeconds, limit) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key: rateKey(tenantId, windowStart),
            UpdateExpression: 'ADD requests :one SET #ttl = :ttl',
            ConditionExpression: 'attribute_not_exists(requests) OR requests < :limit',
            ExpressionAttributeNames: { '#ttl': 'ttl' },
            ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':ttl': windowStart + windowSeconds * 2 },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailed(error)) return false;
        throw error;
      }
    },
  };
}
