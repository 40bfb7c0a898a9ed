import { ZIP_FAILURES, stepFailure } from '../../core/jobs/failure-messages';
import type { StepError, WorkflowDeps } from '../workflow';
import { recordZipLists } from '../zip-lists';

/** A ZIP whose build failed outside the per-file handling (a crash, a timeout, storage errors). */
export async function markZipFailed(deps: WorkflowDeps, jobId: string, sequence: number, error: StepError | undefined): Promise<void> {
  await failZip(deps, jobId, sequence, ZIP_FAILURES[stepFailure(error)], deps.now().toISOString());
}

/**
 * An unfinished ZIP fails with one fault; whatever lists a build that died
 * before recording its end may have left go with it.
 */
export async function failZip(deps: WorkflowDeps, jobId: string, sequence: number, message: string, now: string): Promise<void> {
  const failed = await deps.store.updateZip(jobId, sequence, ['pending', 'processing'], {
    status: 'failed',
    errors: [{ error: message }],
    file_error_count: 0,
    updated_at: now,
  });
  if (failed) await recordZipLists(deps.lists, jobId, sequence);
}
