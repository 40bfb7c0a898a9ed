import { loadEnv } from '../../env';
import { functionEnv } from '../../function-env';
import { createJob } from '../../usecases/create-job';
import { createZipball } from '../../usecases/zipball';
import { baseUrl } from './base-url';
import { apiHandler } from '../http/api-handler';
import { success } from '../http/responses';
import { apiAccess, createJobDeps } from './deps';

const env = loadEnv(functionEnv.CreateJob);
const deps = createJobDeps(env);

const { PUBLIC_BASE_URL, CUSTOM_DOMAINS } = env;
const domains = (CUSTOM_DOMAINS ?? '').split(',').filter((d) => d !== '');

/** `POST /jobs`, and `POST /v2/zipball` (a stream job of the paket's objects, answered as BitPaket answers). */
export const handler = apiHandler(apiAccess(env), async ({ event, body, headers, tenant, timeLeftMs }) => {
  if (event.resource === '/v2/zipball') {
    const data = await createZipball(deps, tenant, body ?? {}, { baseUrl: baseUrl(event, PUBLIC_BASE_URL), domains }, timeLeftMs);
    return success(201, { data });
  }
  const job = await createJob(deps, tenant, body ?? {}, { idempotencyKey: headers['idempotency-key'], timeLeftMs });
  return success(201, { job_id: job.id });
});
