import { dynamoClient } from '../../adapters/aws-clients';
import { dynamoBucketStore } from '../../adapters/bucket-store';
import { dynamoIdempotencyStore } from '../../adapters/idempotency-store';
import { dynamoPaketStore } from '../../adapters/paket-store';
import { dynamoUsageStore } from '../../adapters/usage-store';
import { loadEnv } from '../../env';
import { createJob } from '../../usecases/create-job';
import { apiHandler } from '../http/api-handler';
import { success } from '../http/responses';
import { storageDeps, workflowStarter } from './deps';

const deps = {
  ...storageDeps(),
  workflow: workflowStarter(),
  usage: dynamoUsageStore(dynamoClient(), loadEnv(['TABLE_NAME']).TABLE_NAME),
  idempotency: dynamoIdempotencyStore(dynamoClient(), loadEnv(['TABLE_NAME']).TABLE_NAME),
  allowPrivateAddresses: loadEnv(['ALLOW_PRIVATE_ADDRESSES']).ALLOW_PRIVATE_ADDRESSES === 'true',
  buckets: dynamoBucketStore(dynamoClient(), loadEnv(['TABLE_NAME']).TABLE_NAME),
  pakets: dynamoPaketStore(dynamoClient(), loadEnv(['TABLE_NAME']).TABLE_NAME),
};

export const handler = apiHandler(deps.store, async ({ body, headers, tenant }) => {
  const job = await createJob(deps, tenant, body ?? {}, { idempotencyKey: headers['idempotency-key'] });
  return success(201, { job_id: job.id });
});
