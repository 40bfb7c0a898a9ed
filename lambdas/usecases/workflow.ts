/** What every workflow step shares: its ports, loading the job, counting a job that ended. */
import type { BlobStore } from '../adapters/blob-store';
import type { JobLists } from '../adapters/job-lists';
import type { JobStore } from '../adapters/job-store';
import { log } from '../adapters/log';
import type { Job } from '../core/jobs/model';
import type { JobFailureCause, OperationalMetrics } from '../core/metrics';

export interface WorkflowDeps {
  readonly store: JobStore;
  readonly lists: JobLists;
  readonly blobs: BlobStore;
  readonly now: () => Date;
  readonly metrics?: OperationalMetrics;
}

/** Counts a job that has just ended (only the call whose transition ended it). */
export function countJobEnded(deps: Pick<WorkflowDeps, 'metrics'>, job: Job, status: 'completed' | 'failed', cause: JobFailureCause | undefined, at: Date): void {
  deps.metrics?.jobEnded(status, status === 'failed' ? cause : undefined, at.getTime() - Date.parse(job.created_at));
}

/** Error names a workflow step throws for states that retrying cannot fix. */
export class JobNotFoundError extends Error {
  override readonly name = 'JobNotFound';
}

export async function loadJob(store: JobStore, jobId: string): Promise<Job> {
  const job = await store.getJob(jobId);
  if (!job) throw new JobNotFoundError(`job ${jobId} not found`);
  log.appendKeys({ tenant: job.tenant_id });
  return job;
}

/** A Step Functions error as a catcher hands it over. */
export interface StepError {
  readonly Error?: string;
  readonly Cause?: string;
}

/** How many storage requests a step keeps in flight at once. */
export const STORAGE_CONCURRENCY = 16;
