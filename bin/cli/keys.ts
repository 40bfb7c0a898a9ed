import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoApiKeyStore } from '../../lambdas/adapters/api-key-store';
import { DEFAULT_PLAN } from '../../lambdas/core/plans';
import { createApiKey, revokeApiKey } from '../../lambdas/usecases/api-keys';
import { print, usageError } from './args';
import { CliError, EXIT } from './client';

/** The table to act on: `--table`, or the running local stack's (its data folder names its endpoints). */
function tableName(values: { table?: string; local?: boolean; 'data-dir'?: string }): string {
  if (values.table) return values.table;
  const dir = values['data-dir'] ?? process.env.ZIPJOBS_DATA_DIR ?? '.zipjobs';
  const file = join(dir, 'endpoints.json');
  if (!existsSync(file)) throw new CliError(`no --table given and no running local stack found in ${dir} (start it with npm start)`, EXIT.usage);
  const local = JSON.parse(readFileSync(file, 'utf8')) as { env: Record<string, string> };
  Object.assign(process.env, local.env);
  return local.env.TABLE_NAME!;
}

/** `keys create|list|revoke`: straight to the table (keys are what the API itself would need). */
export async function keysCommand(command: string | undefined, args: string[], json: boolean): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      table: { type: 'string' },
      local: { type: 'boolean' },
      'data-dir': { type: 'string' },
      tenant: { type: 'string' },
      plan: { type: 'string' },
      name: { type: 'string' },
    },
  });
  if (!['create', 'list', 'revoke'].includes(command ?? '')) throw usageError(`unknown command: keys ${command ?? ''}`);
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const store = dynamoApiKeyStore(client, tableName(values));
  try {
    if (command === 'create') {
      const tenantId = values.tenant ?? 'default';
      const { key, record } = await createApiKey(store, { tenantId, plan: values.plan ?? DEFAULT_PLAN.name, name: values.name ?? `${tenantId} key` }, new Date());
      print(json, { key, key_id: record.key_hash.slice(0, 12), tenant_id: record.tenant_id, plan: record.plan }, () =>
        `API key for tenant ${record.tenant_id} (plan ${record.plan}), shown only once:\n\n  ${key}\n\nkey id: ${record.key_hash.slice(0, 12)}`,
      );
    } else if (command === 'list') {
      const keys = (await store.listApiKeys()).sort((a, b) => a.created_at.localeCompare(b.created_at));
      const rows = keys.map((k) => ({ key_id: k.key_hash.slice(0, 12), tenant_id: k.tenant_id, plan: k.plan, revoked_at: k.revoked_at ?? null, name: k.name }));
      print(json, rows, () => (rows.length ? rows.map((k) => [k.key_id, k.tenant_id, k.plan, k.revoked_at ? `revoked ${k.revoked_at}` : 'active', k.name].join('\t')).join('\n') : 'no keys'));
    } else {
      if (!positionals[0]) throw usageError('keys revoke needs the key id (see keys list)');
      const revoked = await revokeApiKey(store, positionals[0], new Date());
      print(json, { key_id: revoked.key_hash.slice(0, 12), tenant_id: revoked.tenant_id }, () => `revoked ${revoked.key_hash.slice(0, 12)} (tenant ${revoked.tenant_id})`);
    }
    return EXIT.ok;
  } finally {
    client.destroy();
  }
}
