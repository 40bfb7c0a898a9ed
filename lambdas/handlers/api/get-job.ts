import { loadEnv } from '../../env';
import { functionEnv } from '../../function-env';
import { listJobErrors, listJobFiles } from '../../usecases/job-pages';
import { getJob } from '../../usecases/read-job';
import { apiHandler } from '../http/api-handler';
import { success } from '../http/responses';
import { baseUrl } from './base-url';
import { apiAccess, signingKeys, storageDeps } from './deps';

const env = loadEnv(functionEnv.GetJob);
const deps = { ...storageDeps(env), signingKeys: signingKeys(env) };
const { PUBLIC_BASE_URL } = env;

/** `GET /jobs/{id}`, and the pages of its long lists: `/errors`, `/files`. */
export const handler = apiHandler(apiAccess(env), async ({ event, tenant }) => {
  const jobId = event.pathParameters?.id ?? '';
  const query = event.queryStringParameters ?? {};
  if (event.resource === '/jobs/{id}/errors') return success(200, await listJobErrors(deps, tenant.id, jobId, query));
  if (event.resource === '/jobs/{id}/files') return success(200, await listJobFiles(deps, tenant.id, jobId, query));
  const job = await getJob(deps, tenant.id, jobId, baseUrl(event, PUBLIC_BASE_URL));
  // Wrapped in `job`, as Eazip's clients read it (`response.job.status`); webhooks carry the bare job.
  return success(200, { job });
});
