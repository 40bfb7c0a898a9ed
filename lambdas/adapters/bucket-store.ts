import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryItems } from './dynamo-paging';
import type { TenantBucket } from '../core/buckets/model';
import { bucketKey, bucketsQuery } from './job-keys';

/** A tenant's configured buckets (no secrets: those are in Secrets Manager). */
export interface BucketStore {
  get(tenantId: string, name: string): Promise<TenantBucket | undefined>;
  list(tenantId: string): Promise<TenantBucket[]>;
  put(bucket: TenantBucket): Promise<void>;
  delete(tenantId: string, name: string): Promise<void>;
}


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
      const { pk, skPrefix } = bucketsQuery(tenantId);
      const items = await queryItems(client, {
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': pk, ':sk': skPrefix },
        ConsistentRead: true,
      });
      return items.map(bucketOf);
    },
    async put(bucket) {
      await client.send(new PutCommand({ TableName: table, Item: { ...bucketKey(bucket.tenant_id, bucket.name), type: 'tenant-bucket', ...bucket } }));
    },
    async delete(tenantId, name) {
      await client.send(new DeleteCommand({ TableName: table, Key: bucketKey(tenantId, name) }));
    },
  };
}
