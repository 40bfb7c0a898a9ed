import { dynamoClient } from '../../adapters/aws-clients';
import { dynamoJobStore } from '../../adapters/job-store';
import { loadEnv } from '../../env';
import { functionEnv } from '../../function-env';
import { listJobs } from '../../usecases/list-jobs';
import { apiHandler } from '../http/api-handler';
import { success } from '../http/responses';
import { apiAccess, signingKeys } from './deps';

// Only the table and the signing keys: a listing touches no object and publishes nothing.
const env = loadEnv(functionEnv.ListJobs);
const deps = { store: dynamoJobStore(dynamoClient(), env.TABLE_NAME), signingKeys: signingKeys(env) };

export const handler = apiHandler(apiAccess(env), async ({ event, tenant }) => {
  return success(200, await listJobs(deps, tenant.id, event.queryStringParameters ?? {}));
});
