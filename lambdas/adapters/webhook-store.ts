import { conditionally, isConditionFailed } from './dynamo-conditions';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { WebhookDelivery } from '../core/webhooks/delivery';
import { jobKey, webhookKey } from './job-keys';

/** A tenant's webhook settings: the default URL and the signing secret(s). */
export interface TenantWebhook {
  readonly tenant_id: string;
  /** Used for jobs created without a `webhook_url`. */
  readonly url: string | null;
  /** `whsec_…`, created on first use. */
  readonly secret: string;
  /** The secret the last rotation replaced: still signed with until `previous_until`. */
  readonly previous_secret?: string;
  readonly previous_until?: string;
  readonly updated_at: string;
}

export interface WebhookStore {
  getTenant(tenantId: string): Promise<TenantWebhook | undefined>;
  /** Stores `fresh` unless the tenant already has settings; returns what is stored either way. */
  createTenant(fresh: TenantWebhook): Promise<TenantWebhook>;
  /** Replaces the settings only if the stored secret is still `expectedSecret`; returns whether it did. */
  replaceTenant(settings: TenantWebhook, expectedSecret: string): Promise<boolean>;
  /** The job's delivery state (shown as `webhook` on GET /jobs/:id). */
  recordDelivery(jobId: string, delivery: WebhookDelivery): Promise<void>;
}



function settingsOf(item: Record<string, unknown>): TenantWebhook {
  const { pk: _pk, sk: _sk, type: _type, ...rest } = item;
  return rest as unknown as TenantWebhook;
}

export function dynamoWebhookStore(client: DynamoDBDocumentClient, table: string): WebhookStore {
  const getTenant = async (tenantId: string) => {
    const out = await client.send(new GetCommand({ TableName: table, Key: webhookKey(tenantId), ConsistentRead: true }));
    return out.Item ? settingsOf(out.Item) : undefined;
  };
  return {
    getTenant,

    async createTenant(fresh) {
      try {
        await client.send(
          new PutCommand({
            TableName: table,
            Item: { ...webhookKey(fresh.tenant_id), type: 'tenant-webhook', ...fresh },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return fresh;
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
        // Someone else created them first: theirs win, so every caller signs with the same secret.
        const stored = await getTenant(fresh.tenant_id);
        if (!stored) throw error;
        return stored;
      }
    },

    async replaceTenant(settings, expectedSecret) {
      return conditionally(() =>
        client.send(
          new PutCommand({
            TableName: table,
            Item: { ...webhookKey(settings.tenant_id), type: 'tenant-webhook', ...settings },
            ConditionExpression: '#secret = :expected',
            ExpressionAttributeNames: { '#secret': 'secret' },
            ExpressionAttributeValues: { ':expected': expectedSecret },
          }),
        ),
      );
    },

    async recordDelivery(jobId, delivery) {
      await client.send(
        new UpdateCommand({
          TableName: table,
          Key: jobKey(jobId),
          UpdateExpression: 'SET #webhook = :webhook',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#webhook': 'webhook' },
          ExpressionAttributeValues: { ':webhook': delivery },
        }),
      );
    },
  };
}
