import type { BlobStore } from '../adapters/blob-store';
import type { JobStore } from '../adapters/job-store';
import { objectKeys, type Bin, type BinRef, type Job, type Manifest, type ZipRecord } from '../core/jobs/model';
import { aggregateJob } from '../core/jobs/status';
import { jobZipNames } from '../core/jobs/zip-filenames';

export interface WorkflowDeps {
  readonly store: JobStore;
  readonly blobs: BlobStore;
  readonly now: () => Date;
}

/** Error names a workflow step throws for states that retrying cannot fix. */
export class JobNotFoundError extends Error {
  override readonly name = 'JobNotFound';
}

async function loadJob(store: JobStore, jobId: string): Promise<Job> {
  const job = await store.getJob(jobId);
  if (!job) throw new JobNotFoundError(`job ${jobId} not found`);
  return job;
}

/**
 * Prepare: turns the manifest into bins (one per ZIP), writes each bin and
 * the bins list the Map reads, and records the ZIPs. Safe to run twice: it
 * rewrites the same objects and records for the same run.
 */
export async function prepare(deps: WorkflowDeps, jobId: string): Promise<{ bins_key: string; bin_count: number }> {
  const job = await loadJob(deps.store, jobId);
  const manifest = await deps.blobs.getJson<Manifest>(job.manifest_key);
  const groups = [manifest.files.map((file, index) => ({ index, url: file.url, filename: file.filename }))];
  const names = jobZipNames(job, groups.length);
  const now = deps.now().toISOString();
  const bins: Bin[] = groups.map((entries, i) => ({ zip_id: `zip_${i + 1}`, sequence: i + 1, filename: names[i]!, entries }));

  const refs: BinRef[] = [];
  const zips: ZipRecord[] = [];
  for (const bin of bins) {
    const binKey = objectKeys.bin(job.id, bin.zip_id);
    await deps.blobs.putJson(binKey, bin);
    refs.push({ zip_id: bin.zip_id, sequence: bin.sequence, bin_key: binKey });
    zips.push({
      job_id: job.id,
      id: bin.zip_id,
      sequence: bin.sequence,
      status: 'pending',
      filename: bin.filename,
      file_count: bin.entries.length,
      size: null,
      key: objectKeys.zip(job.id, bin.zip_id),
      bin_key: binKey,
      errors: [],
      files_done: 0,
      bytes_done: 0,
      updated_at: now,
    });
  }
  await deps.store.putZips(zips);
  const binsKey = objectKeys.binsList(job.id, job.run);
  await deps.blobs.putJson(binsKey, refs);
  await deps.store.transitionJob(job.id, ['preparing', 'pending', 'processing'], 'processing', { zip_count: zips.length, updated_at: now });
  return { bins_key: binsKey, bin_count: refs.length };
}

/** Finalize: the job's end state from its ZIPs (conditional, so a repeat changes nothing). */
export async function finalize(deps: WorkflowDeps, jobId: string): Promise<{ status: string }> {
  const job = await loadJob(deps.store, jobId);
  const zips = await deps.store.listZips(jobId);
  const outcome = aggregateJob(zips, job.options.fail_on_zip_error);
  const now = deps.now().toISOString();
  await deps.store.transitionJob(jobId, ['pending', 'processing'], outcome.status, {
    file_count: outcome.file_count,
    total_size: outcome.total_size,
    zip_count: zips.length,
    completed_at: now,
    updated_at: now,
  });
  return { status: outcome.status };
}

/** A Step Functions error as a catcher hands it over. */
export interface StepError {
  readonly Error?: string;
  readonly Cause?: string;
}

/** A job-level fault: the job fails visibly, never stays unfinished. */
export async function markJobFailed(deps: WorkflowDeps, jobId: string, error: StepError | undefined): Promise<void> {
  const job = await deps.store.getJob(jobId);
  if (!job) return;
  const now = deps.now().toISOString();
  const message = error?.Error === 'States.Timeout' ? 'the job timed out' : 'the job failed because of an internal error';
  await deps.store.transitionJob(jobId, ['preparing', 'pending', 'processing'], 'failed', {
    errors: [...job.errors, { error: message }],
    completed_at: now,
    updated_at: now,
  });
}

/** A ZIP whose build failed outside the per-file handling (a crash, a timeout, storage errors). */
export async function markZipFailed(deps: WorkflowDeps, jobId: string, sequence: number, error: StepError | undefined): Promise<void> {
  const message = error?.Error === 'States.Timeout' ? 'the ZIP build timed out' : 'the ZIP could not be built because of an internal error';
  await deps.store.updateZip(jobId, sequence, ['pending', 'processing'], {
    status: 'failed',
    errors: [{ error: message }],
    updated_at: deps.now().toISOString(),
  });
}
