import { dynamoClient } from '../../adapters/aws-clients';
import { dynamoJobStore } from '../../adapters/job-store';
import { loadEnv } from '../../env';
import { listJobs } from '../../usecases/list-jobs';
import { apiHandler } from '../http/api-handler';
import { success } from '../http/responses';
import { apiKeys, signingKeys } from './deps';

// Only the table and the signing keys: a listing touches no object and publishes nothing.
const deps = { store: dynamoJobStore(dynamoClient(), loadEnv(['TABLE_NAME']).TABLE_NAME), signingKeys: signingKeys() };

export const handler = apiHandler(apiKeys(), async ({ event, tenant }) => {
  return success(200, await listJobs(deps, tenant.id, event.queryStringParameters ?? {}));
});
