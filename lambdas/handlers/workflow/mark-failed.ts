import { loadEnv } from '../../env';
import { functionEnv } from '../../function-env';
import { markJobFailed } from '../../usecases/workflow/mark-job-failed';
import { jobInput, stepError, storageDeps } from './deps';
import { invocation } from '../invocation';

const deps = storageDeps(loadEnv(functionEnv.MarkFailed));
const input = jobInput.extend({ error: stepError });

export const handler = invocation(async (event: unknown) => {
  const { job_id, error } = input.parse(event);
  await markJobFailed(deps, job_id, error);
  return { job_id, status: 'failed' };
});
