import type { JobStore } from '../adapters/job-store';
import type { UsageStore } from '../adapters/usage-store';
import type { WorkflowStarter } from '../adapters/workflow-starter';
import { InvalidRequestError } from '../core/errors';
import type { Job, JobStatus } from '../core/jobs/model';
import { retryJobRequestSchema } from '../core/jobs/retry-request';
import { enforcePlan, jobLimits, type Plan } from '../core/plans';
import { parseOrThrow } from '../core/validation';
import { enforceQuota, startRun } from './create-job';
import { ownJob } from './read-job';

export interface RetryJobDeps {
  readonly store: JobStore;
  readonly workflow: WorkflowStarter;
  readonly now: () => Date;
  /** Monthly usage; no quota is enforced without it. */
  readonly usage?: UsageStore;
}

const notFailed = (status: JobStatus) =>
  new InvalidRequestError(`only failed jobs can be retried (this job is ${status})`, [{ path: 'status', message: 'only failed jobs can be retried' }]);

/**
 * `POST /jobs/:id/retry`: a failed job starts its next run. The move out of
 * `failed` is conditional, so of two concurrent retries one starts a run and
 * the other is told the job is no longer failed. With `from_checkpoint: false`
 * a split job goes back to `preparing` (probed and packed again); otherwise
 * Prepare reads `retry_from_checkpoint` to keep completed ZIPs and resume the others.
 */
export async function retryJob(deps: RetryJobDeps, tenant: { id: string; plan: Plan }, jobId: string, input: unknown): Promise<Job> {
  const { from_checkpoint } = parseOrThrow(retryJobRequestSchema, input ?? {});
  const { job } = await ownJob(deps.store, tenant.id, jobId);
  if (job.status !== 'failed') throw notFailed(job.status);
  // A run is a run: the plan and the quota are checked as for a new job, with the retrying key's plan.
  const { expires_in, max_zip_size_bytes } = job.options;
  enforcePlan({ filesField: 'files', fileCount: job.url_count, expiresIn: expires_in, maxZipSizeBytes: max_zip_size_bytes }, tenant.plan);
  await enforceQuota(deps.usage, tenant, job.options.mode, deps.now());

  const repack = job.options.max_zip_size_bytes !== null && !from_checkpoint;
  const now = deps.now().toISOString();
  const next: Job = {
    ...job,
    status: repack ? 'preparing' : 'pending',
    run: job.run + 1,
    limits: jobLimits(tenant.plan),
    retry_from_checkpoint: from_checkpoint,
    // The previous run's outcome goes; Finalize records the new one.
    errors: [],
    completed_at: null,
    file_count: null,
    total_size: null,
    updated_at: now,
  };
  const moved = await deps.store.transitionJob(job.id, ['failed'], next.status, {
    run: next.run,
    limits: next.limits,
    retry_from_checkpoint: next.retry_from_checkpoint,
    errors: next.errors,
    completed_at: next.completed_at,
    file_count: next.file_count,
    total_size: next.total_size,
    updated_at: now,
  });
  if (!moved) {
    const current = await deps.store.getJob(job.id);
    throw notFailed(current?.status ?? job.status);
  }
  await startRun(deps, next);
  return next;
}
