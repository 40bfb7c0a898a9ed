import { randomBytes } from 'node:crypto';
import { dynamoClient } from '../../adapters/aws-clients';
import { dynamoWebhookStore } from '../../adapters/webhook-store';
import { NotFoundError } from '../../core/errors';
import { loadEnv } from '../../env';
import { functionEnv } from '../../function-env';
import { readWebhookSettings, rotateWebhookSecret, updateWebhookSettings } from '../../usecases/webhook-settings';
import { apiHandler } from '../http/api-handler';
import { success } from '../http/responses';
import { apiAccess } from './deps';

const env = loadEnv(functionEnv.WebhookSettings);
const deps = { webhooks: dynamoWebhookStore(dynamoClient(), env.TABLE_NAME), now: () => new Date(), randomBytes };
const policy = { allowPrivateAddresses: env.ALLOW_PRIVATE_ADDRESSES === 'true' };

/** `GET /settings/webhook`, `PUT /settings/webhook`, `POST /settings/webhook/rotate`: one small function for the three. */
export const handler = apiHandler(apiAccess(env), async ({ event, body, tenant }) => {
  const route = `${event.httpMethod} ${event.resource}`;
  if (route === 'GET /settings/webhook') return success(200, await readWebhookSettings(deps, tenant.id));
  if (route === 'PUT /settings/webhook') return success(200, await updateWebhookSettings(deps, tenant.id, body ?? {}, policy));
  if (route === 'POST /settings/webhook/rotate') return success(200, await rotateWebhookSecret(deps, tenant.id));
  throw new NotFoundError('no such route');
});
