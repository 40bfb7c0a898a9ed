import { dynamoApiKeyStore } from '../../adapters/api-key-store';
import { dynamoClient, secretsClient } from '../../adapters/aws-clients';
import { secretSigningKeys } from '../../adapters/signing-keys';
import { dynamoBucketStore } from '../../adapters/bucket-store';
import { dynamoIdempotencyStore } from '../../adapters/idempotency-store';
import { dynamoJobExpiry } from '../../adapters/job-expiry';
import { dynamoObjectIdStore } from '../../adapters/object-id-store';
import { dynamoPaketStore } from '../../adapters/paket-store';
import { dynamoUsageStore } from '../../adapters/usage-store';
import { parsePlans } from '../../core/plans';
import type { LoadedEnv } from '../../env';
import type { ApiAccess } from '../http/api-handler';

import { storageDeps, workflowStarter } from '../deps';

export { sourceFetchOptions, storageDeps, workflowStarter } from '../deps';

/** The API keys every keyed route checks its caller's key against, the deploy-time plans and the per-tenant request counters. */
export function apiAccess(env: LoadedEnv<'TABLE_NAME' | 'PLANS'>): ApiAccess {
  return { keys: dynamoApiKeyStore(dynamoClient(), env.TABLE_NAME), plans: parsePlans(env.PLANS), usage: dynamoUsageStore(dynamoClient(), env.TABLE_NAME) };
}

/** What creating a job needs: `POST /jobs`, and each schedule run (a run is a normal job creation). */
export function createJobDeps(env: LoadedEnv<'TABLE_NAME' | 'BUCKET_NAME' | 'EVENT_BUS_NAME' | 'STATE_MACHINE_ARN' | 'ALLOW_PRIVATE_ADDRESSES'>) {
  return {
    ...storageDeps(env),
    expiry: dynamoJobExpiry(dynamoClient(), env.TABLE_NAME),
    workflow: workflowStarter(env),
    usage: dynamoUsageStore(dynamoClient(), env.TABLE_NAME),
    idempotency: dynamoIdempotencyStore(dynamoClient(), env.TABLE_NAME),
    allowPrivateAddresses: env.ALLOW_PRIVATE_ADDRESSES === 'true',
    buckets: dynamoBucketStore(dynamoClient(), env.TABLE_NAME),
    pakets: dynamoPaketStore(dynamoClient(), env.TABLE_NAME),
    ids: dynamoObjectIdStore(dynamoClient(), env.TABLE_NAME),
  };
}

export function signingKeys(env: LoadedEnv<'TOKEN_SECRET_ARN'>) {
  return secretSigningKeys(secretsClient(), env.TOKEN_SECRET_ARN);
}
