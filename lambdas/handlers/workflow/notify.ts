import { randomBytes } from 'node:crypto';
import { dynamoClient, secretsClient } from '../../adapters/aws-clients';
import { secretSigningKeys } from '../../adapters/signing-keys';
import { dynamoWebhookStore } from '../../adapters/webhook-store';
import { postOnce } from '../../core/fetch';
import { loadEnv } from '../../env';
import { functionEnv } from '../../function-env';
import { notify } from '../../usecases/notify';
import { jobInput, storageDeps } from './deps';
import { invocation } from '../invocation';

const env = loadEnv(functionEnv.Notify);
const allowPrivateAddresses = env.ALLOW_PRIVATE_ADDRESSES === 'true';
const deps = {
  ...storageDeps(env),
  signingKeys: secretSigningKeys(secretsClient(), env.TOKEN_SECRET_ARN),
  webhooks: dynamoWebhookStore(dynamoClient(), env.TABLE_NAME),
  baseUrl: env.API_BASE_URL.replace(/\/+$/, ''),
  policy: { allowPrivateAddresses },
  post: (url: string, body: string, headers: Record<string, string>) =>
    postOnce(url, body, headers, {
      allowPrivateAddresses,
      connectTimeoutMs: 10_000,
      headersTimeoutMs: 15_000,
      timeoutMs: 15_000,
      userAgent: 'zipjobs-webhooks/0.1',
    }),
  random: Math.random,
  randomBytes,
};

export const handler = invocation(async (event: unknown) => notify(deps, jobInput.parse(event).job_id));
