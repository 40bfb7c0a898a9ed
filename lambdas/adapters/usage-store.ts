import { createHash } from 'node:crypto';
import { conditionally } from './dynamo-conditions';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { downloadRateKey, rateKey, usageKey } from './job-keys';

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
  /** Counts a request for a download link (a token or a ZipBall's id) in its window; false when the window is already full. */
  admitDownload(link: string, windowStartSeconds: number, windowSeconds: number, limit: number): Promise<boolean>;
}

export function dynamoUsageStore(client: DynamoDBDocumentClient, table: string): UsageStore {
  /** One atomic conditional update: the count goes up only while it is under the limit; the item expires (TTL) after its window. */
  async function countInWindow(key: { pk: string; sk: string }, expiresAt: number, limit: number): Promise<boolean> {
    return conditionally(() =>
      client.send(
        new UpdateCommand({
          TableName: table,
          Key: key,
          UpdateExpression: 'ADD requests :one SET #ttl = :ttl',
          ConditionExpression: 'attribute_not_exists(requests) OR requests < :limit',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':ttl': expiresAt },
        }),
      ),
    );
  }

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

    admit: (tenantId, windowStart, windowSeconds, limit) => countInWindow(rateKey(tenantId, windowStart), windowStart + windowSeconds * 2, limit),

    admitDownload: (link, windowStart, windowSeconds, limit) =>
      countInWindow(downloadRateKey(createHash('sha256').update(link).digest('hex'), windowStart), windowStart + windowSeconds * 2, limit),
  };
}
