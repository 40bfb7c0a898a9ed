import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoJobStore } from '../lambdas/adapters/job-store';
import { DEFAULT_PLAN } from '../lambdas/core/plans';
import { createApiKey, revokeApiKey } from '../lambdas/usecases/api-keys';

const USAGE = `usage: zipjobs keys <create|list|revoke> [options]

  keys create [--tenant ID] [--plan NAME] [--name TEXT]   prints a new API key (shown once)
  keys list                                              key ids, tenants, plans, states
  keys revoke <key id>                                   the id as 'keys list' prints it

target (one of):
  --table NAME      a deployed stack's table (the TableName output); AWS credentials as usual
  --local [DIR]     the local stack's data folder (default ./.zipjobs; the stack must be running)`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    table: { type: 'string' },
    local: { type: 'boolean' },
    'data-dir': { type: 'string' },
    tenant: { type: 'string' },
    plan: { type: 'string' },
    name: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

function tableName(): string {
  if (values.table) return values.table;
  const dir = values['data-dir'] ?? process.env.ZIPJOBS_DATA_DIR ?? '.zipjobs';
  const file = join(dir, 'endpoints.json');
  if (!values.local && !existsSync(file)) fail(`${USAGE}\n\nno --table given and no local stack found in ${dir}`);
  if (!existsSync(file)) fail(`no running local stack found in ${dir} (start it with npm start)`);
  const local = JSON.parse(readFileSync(file, 'utf8')) as { env: Record<string, string> };
  Object.assign(process.env, local.env);
  return local.env.TABLE_NAME!;
}

const [group, command, arg] = positionals;
if (values.help || group !== 'keys' || !command) fail(USAGE);
const table = tableName();
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const store = dynamoJobStore(client, table);

try {
  if (command === 'create') {
    const tenantId = values.tenant ?? 'default';
    const { key, record } = await createApiKey(store, { tenantId, plan: values.plan ?? DEFAULT_PLAN.name, name: values.name ?? `${tenantId} key` }, new Date());
    console.log(`API key for tenant ${record.tenant_id} (plan ${record.plan}), shown only once:\n\n  ${key}\n\nkey id: ${record.key_hash.slice(0, 12)}`);
  } else if (command === 'list') {
    const keys = await store.listApiKeys();
    for (const k of keys.sort((a, b) => a.created_at.localeCompare(b.created_at))) {
      console.log([k.key_hash.slice(0, 12), k.tenant_id, k.plan, k.revoked_at ? `revoked ${k.revoked_at}` : 'active', k.name].join('\t'));
    }
    if (keys.length === 0) console.log('no keys');
  } else if (command === 'revoke') {
    if (!arg) fail('keys revoke needs the key id (see keys list)');
    const revoked = await revokeApiKey(store, arg, new Date());
    console.log(`revoked ${revoked.key_hash.slice(0, 12)} (tenant ${revoked.tenant_id})`);
  } else {
    fail(USAGE);
  }
} catch (error) {
  fail(`zipjobs: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  client.destroy();
}
