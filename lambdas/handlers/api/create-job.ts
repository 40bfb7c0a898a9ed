import { planNamed } from '../../core/plans';
import { createJob } from '../../usecases/create-job';
import { apiHandler } from '../http/api-handler';
import { success } from '../http/responses';
import { storageDeps, workflowStarter } from './deps';

const deps = { ...storageDeps(), workflow: workflowStarter() };

export const handler = apiHandler(deps.store, async ({ body, tenant }) => {
  const job = await createJob(deps, { id: tenant.id, plan: planNamed(tenant.plan) }, body ?? {});
  return success(201, { job_id: job.id });
});
