/**
 * API keys by tenant: gsi1 = (KEYS#<tenant>, <created_at>#<sha256>). Keys
 * written before that index existed have no gsi1 attributes; the first time a
 * tenant's keys are looked up and none is indexed, its key records are found
 * by a scan and indexed, so an upgraded stack needs no migration and the scan
 * happens once per tenant.
 */
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryItems, scanItems } from './dynamo-paging';
import { isConditionFailed } from './dynamo-conditions';
import { apiKeyKey, keyIndexAttributes, tenantKeysPartition } from './job-keys';

type KeyItem = { readonly key_hash: string; readonly created_at: string; readonly revoked_at?: string };

/** Whether the tenant holds a key that is not revoked. */
export async function hasActiveKey(client: DynamoDBDocumentClient, table: string, tenantId: string): Promise<boolean> {
  const indexed = (await queryItems(client, {
    TableName: table,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': tenantKeysPartition(tenantId) },
    ProjectionExpression: 'key_hash, created_at, revoked_at',
  })) as KeyItem[];
  const keys = indexed.length > 0 ? indexed : await indexUnindexedKeys(client, table, tenantId);
  return keys.some((k) => k.revoked_at === undefined);
}

async function indexUnindexedKeys(client: DynamoDBDocumentClient, table: string, tenantId: string): Promise<KeyItem[]> {
  const found = (await scanItems(client, {
    TableName: table,
    FilterExpression: '#type = :key AND tenant_id = :tenant',
    ExpressionAttributeNames: { '#type': 'type' },
    ExpressionAttributeValues: { ':key': 'key', ':tenant': tenantId },
    ProjectionExpression: 'key_hash, created_at, revoked_at',
  })) as KeyItem[];
  for (const key of found) {
    const { gsi1pk, gsi1sk } = keyIndexAttributes(tenantId, key.created_at, key.key_hash);
    try {
      await client.send(
        new UpdateCommand({
          TableName: table,
          Key: apiKeyKey(key.key_hash),
          UpdateExpression: 'SET gsi1pk = :pk, gsi1sk = :sk',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':pk': gsi1pk, ':sk': gsi1sk },
        }),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error; // deleted meanwhile: nothing to index
    }
  }
  return found;
}
