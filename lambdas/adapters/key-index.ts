/**
 * API keys by tenant: gsi1 = (KEYS#<tenant>, <created_at>#<sha256>). Keys
 * written before that index existed have no gsi1 attributes; the first time a
 * tenant's keys are looked up and none is indexed, its key records are found
 * by a scan and indexed, so an upgraded stack needs no migration and the scan
 * happens once per tenant.
 */
import { paginateQuery, paginateScan, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from './dynamo-conditions';

type KeyItem = { readonly key_hash: string; readonly created_at: string; readonly revoked_at?: string };

/** The gsi1 attributes of a tenant's key record. */
export const keyIndexAttributes = (tenantId: string, createdAt: string, keyHash: string) => ({ gsi1pk: `KEYS#${tenantId}`, gsi1sk: `${createdAt}#${keyHash}` });

async function collect(pages: AsyncIterable<{ Items?: Record<string, unknown>[] }>): Promise<KeyItem[]> {
  const items: KeyItem[] = [];
  for await (const page of pages) items.push(...((page.Items ?? []) as KeyItem[]));
  return items;
}

/** Whether the tenant holds a key that is not revoked. */
export async function hasActiveKey(client: DynamoDBDocumentClient, table: string, tenantId: string): Promise<boolean> {
  const indexed = await collect(
    paginateQuery(
      { client },
      {
        TableName: table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': `KEYS#${tenantId}` },
        ProjectionExpression: 'key_hash, created_at, revoked_at',
      },
    ),
  );
  const keys = indexed.length > 0 ? indexed : await indexUnindexedKeys(client, table, tenantId);
  return keys.some((k) => k.revoked_at === undefined);
}

async function indexUnindexedKeys(client: DynamoDBDocumentClient, table: string, tenantId: string): Promise<KeyItem[]> {
  const found = await collect(
    paginateScan(
      { client },
      {
        TableName: table,
        FilterExpression: '#type = :key AND tenant_id = :tenant',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':key': 'key', ':tenant': tenantId },
        ProjectionExpression: 'key_hash, created_at, revoked_at',
      },
    ),
  );
  for (const key of found) {
    const { gsi1pk, gsi1sk } = keyIndexAttributes(tenantId, key.created_at, key.key_hash);
    try {
      await client.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: `KEY#${key.key_hash}`, sk: 'KEY' },
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
