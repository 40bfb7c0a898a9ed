import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { paketKey } from './job-keys';

/** A tenant's paket: which configured bucket (and prefix in it) its objects are in. */
export interface PaketSettings {
  readonly tenant_id: string;
  readonly bucket_name: string;
  /** '' or `a/b/`. */
  readonly prefix: string;
  readonly updated_at: string;
}

export interface PaketStore {
  get(tenantId: string): Promise<PaketSettings | undefined>;
  put(settings: PaketSettings): Promise<void>;
}


export function dynamoPaketStore(client: DynamoDBDocumentClient, table: string): PaketStore {
  return {
    async get(tenantId) {
      const out = await client.send(new GetCommand({ TableName: table, Key: paketKey(tenantId), ConsistentRead: true }));
      if (!out.Item) return undefined;
      const { pk: _pk, sk: _sk, type: _type, ...rest } = out.Item;
      return rest as PaketSettings;
    },
    async put(settings) {
      await client.send(new PutCommand({ TableName: table, Item: { ...paketKey(settings.tenant_id), type: 'paket', ...settings } }));
    },
  };
}
