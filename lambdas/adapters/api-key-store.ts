import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { scanItems } from './dynamo-paging';
import { apiKeyKey, keyIndexAttributes, withoutKeys } from './job-keys';
import { hasActiveKey } from './key-index';

export interface ApiKeyRecord {
  readonly key_hash: string;
  readonly tenant_id: string;
  readonly plan: string;
  readonly name: string;
  readonly created_at: string;
  readonly revoked_at?: string;
}

/** API keys, by the hash of the key (the key itself is never stored). */
export interface ApiKeyStore {
  getApiKey(keyHash: string): Promise<ApiKeyRecord | undefined>;
  putApiKey(record: ApiKeyRecord): Promise<void>;
  /** Every key record (a table scan: for the operator's CLI, not for requests). */
  listApiKeys(): Promise<ApiKeyRecord[]>;
  /** Whether the tenant has a key that is not revoked. */
  hasActiveApiKey(tenantId: string): Promise<boolean>;
}

export function dynamoApiKeyStore(client: DynamoDBDocumentClient, table: string): ApiKeyStore {
  return {
    async getApiKey(keyHash) {
      const out = await client.send(new GetCommand({ TableName: table, Key: apiKeyKey(keyHash) }));
      return out.Item ? withoutKeys<ApiKeyRecord>(out.Item) : undefined;
    },

    async putApiKey(record) {
      // gsi1 (KEYS#<tenant>) finds a tenant's keys, apart from its jobs and schedules.
      const byTenant = keyIndexAttributes(record.tenant_id, record.created_at, record.key_hash);
      await client.send(new PutCommand({ TableName: table, Item: { ...apiKeyKey(record.key_hash), type: 'key', ...byTenant, ...record } }));
    },

    hasActiveApiKey(tenantId) {
      return hasActiveKey(client, table, tenantId);
    },

    async listApiKeys() {
      const items = await scanItems(client, {
        TableName: table,
        FilterExpression: '#type = :key',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':key': 'key' },
      });
      return items.map((i) => withoutKeys<ApiKeyRecord>(i));
    },
  };
}
