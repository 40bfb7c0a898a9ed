import { dynamoClient } from '../../adapters/aws-clients';
import { dynamoBucketStore } from '../../adapters/bucket-store';
import { dynamoIdempotencyStore } from '../../adapters/idempotency-store';
import { dynamoPaketStore } from '../../adapters/paket-store';
import { dynamoObjectIdStore } from '../../adapters/object-id-store';
import { dynamoUsageStore } from '../../adapters/usage-store';
import { loadEnv } from '../../env';
import { createJob } from '../../usecases/create-job';
import { createZipball } from '../../usecases/zipball';
import { baseUrl } from './base-url';
import { apiHandler } from '../http/api-handler';
import { success } from '../http/responses';
import { apiKeys, storageDeps, workflowStarter } from './deps';

const deps = {
  ...storageDeps(),
  workflow: workflowStarter(),
  usage: dynamoUsageStore(dynamoClient(), loadEnv(['TABLE_NAME']).TABLE_NAME),
  idempotency: dynamoIdempotencyStore(dynamoClient(), loadEnv(['TABLE_NAME']).TABLE_NAME),
  allowPrivateAddresses: loadEnv(['ALLOW_PRIVATE_ADDRESSES']).ALLOW_PRIVATE_ADDRESSES === 'true',
  buckets: dynamoBucketStore(dynamoClient(), loadEnv(['TABLE_NAME']).TABLE_NAME),
  pakets: dynamoPaketStore(dynamoClient(), loadEnv(['TABLE_NAME']).TABLE_NAME),
  ids: dynamoObjectIdStore(dynamoClient(), loadEnv(['TABLE_NAME']).TABLE_NAME),
};

const { PUBLIC_BASE_URL, CUSTOM_DOMAINS } = loadEnv(['PUBLIC_BASE_URL', 'CUSTOM_DOMAINS']);
const domains = (CUSTOM_DOMAINS ?? '').split(',').filter((d) => d !== '');

/** `POST /jobs`, and `POST /v2/zipball` (a stream job of the paket's objects, answered as BitPaket answers). */
export const handler = apiHandler(apiKeys(), async ({ event, body, headers, tenant }) => {
  if (event.resource === '/v2/zipball') {
    const data = await createZipball(deps, tenant, body ?? {}, { baseUrl: baseUrl(event, PUBLIC_BASE_URL), domains });
    return success(201, { data });
  }
  const job = await createJob(deps, tenant, body ?? {}, { idempotencyKey: headers['idempotency-key'] });
  return success(201, { job_id: job.id });
});
