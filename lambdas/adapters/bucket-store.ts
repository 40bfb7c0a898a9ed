import { DeleteCommand, GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TenantBucket } from '../core/buckets/model';

/** A tenant's configured buckets (no secrets: those are in Secrets Manager). */
export interface BucketStore {
  get(tenantId: string, name: string): Promise<TenantBucket | undefined>;
  list(tenantId: string): Promise<TenantBucket[]>;
  put(bucket: TenantBucket): Promise<void>;
  delete(tenantId: string, name: string): Promise<void>;
}

// pk TENANT#<id> / sk BUCKET#<name>: under the tenant's partition, next to its webhook settings.
const bucketKey = (tenantId: string, name: string) => ({ pk: `TENANT#${tenantId}`, sk: `BUCKET#${name}` });

function bucketOf(item: Record<string, unknown>): TenantBucket {
  const { pk: _pk, sk: _sk, type: _type, ...rest } = item;
  return rest as unknown as TenantBucket;
}

export function dynamoBucketStore(client: DynamoDBDocumentClient, table: string): BucketStore {
  return {
    async get(tenantId, name) {
      const out = await client.send(new GetCommand({ TableName: table, Key: bucketKey(tenantId, name), ConsistentRead: true }));
      return out.Item ? bucketOf(out.Item) : undefined;
    },
    async list(tenantId) {
      const found: TenantBucket[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await client.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
            ExpressionAttributeValues: { ':pk': `TENANT#${tenantId}`, ':sk': 'BUCKET#' },
            ExclusiveStartKey: start,
            ConsistentRead: true,
          }),
        );
        for (const item of out.Items ?? []) found.push(bucketOf(item));
        start = out.LastEvaluatedKey;
      } while (start);
      return found;
    },
    async put(bucket) {
      await client.send(new PutCommand({ TableName: table, Item: { ...bucketKey(bucket.tenant_id, bucket.name), type: 'tenant-bucket', ...bucket } }));
    },
    async delete(tenantId, name) {
      await client.send(new DeleteCommand({ TableName: table, Key: bucketKey(tenantId, name) }));
    },
  };
}
