/** What a build writes to its ZIP's record: progress now and then, and how it ended. */
import type { JobError } from '../../core/jobs/model';
import type { WorkflowDeps } from '../workflow';
import { recordZipLists } from '../zip-lists';
import type { BuildProgress } from './progress';
import type { ZipRef } from './ports';

const PROGRESS_EVERY_MS = 1000;

/** Progress written at most once a second unless forced. */
export class ProgressReports<P> {
  private last = Date.now();

  constructor(private readonly write: (progress: P) => Promise<unknown>) {}

  async report(progress: P, force: boolean): Promise<void> {
    if (!force && Date.now() - this.last < PROGRESS_EVERY_MS) return;
    this.last = Date.now();
    await this.write(progress);
  }
}

/** The ZIP's `files_done` / `bytes_done`, as BuildZip reaches them. */
export const zipProgressReports = (deps: Pick<WorkflowDeps, 'store'>, jobId: string, ref: ZipRef): ProgressReports<BuildProgress> =>
  new ProgressReports((p) => deps.store.updateZip(jobId, ref.sequence, ['processing'], { files_done: p.files_done, bytes_done: p.bytes_done }));

/** Fails the ZIP: its file errors go to the job's error list, `fault` (the reason beyond its files, if any) on its record. */
export async function failZip(deps: WorkflowDeps, jobId: string, ref: ZipRef, progress: Pick<BuildProgress, 'errors' | 'files_done' | 'bytes_done'>, fault: JobError | undefined): Promise<void> {
  await recordZipLists(deps.lists, jobId, ref.sequence, progress.errors);
  await deps.store.updateZip(jobId, ref.sequence, ['processing'], {
    status: 'failed',
    errors: fault ? [fault] : [],
    file_error_count: progress.errors.length,
    files_done: progress.files_done,
    bytes_done: progress.bytes_done,
    updated_at: deps.now().toISOString(),
  });
}

/** Completes the ZIP: its file errors and entry names go to the job's lists, its size and counts on its record. */
export async function completeZip(deps: WorkflowDeps, jobId: string, ref: ZipRef, progress: BuildProgress, size: number): Promise<void> {
  await recordZipLists(deps.lists, jobId, ref.sequence, progress.errors, progress.entry_names);
  await deps.store.updateZip(jobId, ref.sequence, ['processing'], {
    status: 'completed',
    size,
    file_count: progress.files_done,
    errors: [],
    file_error_count: progress.errors.length,
    files_done: progress.files_done,
    bytes_done: progress.bytes_done,
    updated_at: deps.now().toISOString(),
  });
}
