import { dynamoClient, eventBridgeClient } from '../../adapters/aws-clients';
import { dynamoJobStore } from '../../adapters/job-store';
import { eventBridgeStatusPublisher } from '../../adapters/status-events';
import { dynamoUsageStore } from '../../adapters/usage-store';
import { loadEnv } from '../../env';
import { functionEnv } from '../../function-env';
import { retryJob } from '../../usecases/retry-job';
import { apiHandler } from '../http/api-handler';
import { success } from '../http/responses';
import { apiAccess, workflowStarter } from './deps';

// The table (jobs, usage), the state machine and the bus (a retry changes the job's status): no bucket, no signing keys.
const env = loadEnv(functionEnv.RetryJob);
const onStatusChange = env.EVENT_BUS_NAME ? eventBridgeStatusPublisher(eventBridgeClient(), env.EVENT_BUS_NAME) : undefined;
const deps = {
  store: dynamoJobStore(dynamoClient(), env.TABLE_NAME, onStatusChange),
  workflow: workflowStarter(env),
  usage: dynamoUsageStore(dynamoClient(), env.TABLE_NAME),
  now: () => new Date(),
};

export const handler = apiHandler(apiAccess(env), async ({ event, body, tenant }) => {
  const job = await retryJob(deps, tenant, event.pathParameters?.id ?? '', body);
  return success(200, { job_id: job.id });
});
