import { log } from '../../adapters/log';
import { isTerminal, type Job } from '../../core/jobs/model';
import { JOB_FAILURES, stepFailure } from '../../core/jobs/failure-messages';
import type { JobFailureCause } from '../../core/metrics';
import { mapConcurrent } from '../../core/packing';
import { countJobEnded, STORAGE_CONCURRENCY, type StepError, type WorkflowDeps } from '../workflow';
import { failZip } from './mark-zip-failed';

/** A job-level fault: the job fails visibly, never stays unfinished. */
export async function markJobFailed(deps: WorkflowDeps, jobId: string, error: StepError | undefined): Promise<void> {
  const job = await deps.store.getJob(jobId);
  if (job) log.appendKeys({ tenant: job.tenant_id });
  const failure = stepFailure(error);
  if (job) await failUnfinishedJob(deps, job, JOB_FAILURES[failure], failure);
}

/**
 * Fails `job` (as just read) with `message` unless it has already ended, and
 * with it every ZIP still queued or being built (so no failed job shows a ZIP
 * in progress; a retry queues them again). Returns whether this call ended it.
 */
export async function failUnfinishedJob(deps: WorkflowDeps, job: Job, message: string, cause: JobFailureCause): Promise<boolean> {
  if (isTerminal(job.status)) return false;
  const at = deps.now();
  const now = at.toISOString();
  // The ZIPs first: whoever sees the job failed sees its ZIPs ended too.
  const unfinished = (await deps.store.listZips(job.id)).filter((z) => !isTerminal(z.status));
  await mapConcurrent(unfinished, STORAGE_CONCURRENCY, (z) => failZip(deps, job.id, z.sequence, message, now));
  const ended = await deps.store.transitionJob(job.id, ['preparing', 'pending', 'processing'], 'failed', {
    errors: [...job.errors, { error: message }],
    completed_at: now,
    updated_at: now,
  });
  if (ended) countJobEnded(deps, job, 'failed', cause, at);
  return ended;
}
