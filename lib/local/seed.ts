import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoApiKeyStore } from '../../lambdas/adapters/api-key-store';
import { hashApiKey } from '../../lambdas/core/api-keys';
import { DEFAULT_PLAN } from '../../lambdas/core/plans';

/** Makes `apiKey` valid for the local tenant (idempotent). */
export async function seedApiKey(table: string, apiKey: string, tenantId = 'local', plan = DEFAULT_PLAN.name): Promise<void> {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  try {
    await dynamoApiKeyStore(client, table).putApiKey({
      key_hash: hashApiKey(apiKey),
      tenant_id: tenantId,
      plan,
      name: `${tenantId} key`,
      created_at: new Date().toISOString(),
    });
  } finally {
    client.destroy();
  }
}
