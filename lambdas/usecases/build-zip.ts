import { log } from '../adapters/log';
import { BucketUnavailableError, StorageWriteError, storageProblem, uploadGone } from '../core/buckets/storage-errors';
import type { Bin, Job } from '../core/jobs/model';
import { EntryNameDeduper } from '../core/naming';
import { ZipWriter, ZipWriterBrokenError, type ResumableZipSink } from '../core/zip';
import { CheckpointStore, type BuildCheckpoint } from './build-zip/checkpoint';
import { writeFreshEntry, writePausedEntry, type EntryRun } from './build-zip/entry';
import { archiveRoom } from './build-zip/entry-limits';
import type { ZipRef, ZipSinks } from './build-zip/ports';
import { afterEntry, entriesLeft, startRun, type BuildProgress, type EntryOutcome } from './build-zip/progress';
import { RunControl } from './build-zip/run-control';
import type { SourceDeps } from './build-zip/source';
import { completeZip, failZip, zipProgressReports, type ProgressReports } from './build-zip/zip-record';
import { NO_LIMIT, type RunBudget } from './budget';
import type { WorkflowDeps } from './workflow';

export type { ZipRef, ZipSinks } from './build-zip/ports';

export interface BuildZipDeps extends WorkflowDeps, SourceDeps {
  /** Where ZIPs are written; checkpoints go to `blobs` (the service's bucket). */
  readonly sinks: ZipSinks;
  /** Most time one file may take to fetch, across runs and retries: `timeout` after it. */
  readonly maxFileMs?: number;
}

/** Time BuildZip keeps at most for the parts in flight and the checkpoint. */
export const BUILD_ZIP_MARGIN_MS = 60_000;

/** One run of one ZIP's build: what its steps share (its progress is passed along, not shared). */
interface Build extends EntryRun {
  readonly deps: BuildZipDeps;
  readonly jobId: string;
  readonly ref: ZipRef;
  readonly sink: ResumableZipSink;
  readonly checkpoints: CheckpointStore;
  readonly reports: ProgressReports<BuildProgress>;
}

type Done = { done: boolean };

/** Why the storage refused the ZIP's bytes for good (named for the user), or undefined for faults worth retrying. */
function refusedWrite(error: unknown): string | undefined {
  let e = error;
  while (e instanceof ZipWriterBrokenError) e = e.cause;
  if (e instanceof BucketUnavailableError) return e.message;
  return e instanceof StorageWriteError ? storageProblem(e.cause, e.uri) : undefined;
}

/**
 * BuildZip: streams one bin's sources into a ZIP in its sink. A file that
 * cannot be fetched fails the ZIP (fail_on_url_error) or is left out and
 * reported; a ZIP none of whose files made it is failed; a bucket that
 * refuses the ZIP for good fails it. Other storage faults throw: the
 * workflow runs BuildZip again from its checkpoint, and records the ZIP as
 * failed when they persist.
 *
 * Resumable: past `budget.stopAt` it stops between entries or mid-file (a
 * DEFLATE entry ends its output with a full flush there), saves a
 * checkpoint and returns `{done: false}`; a later call (the state machine's
 * loop, a retry after a crash, a retry from checkpoint) continues from the
 * checkpoint while the ZIP is pending or processing.
 */
export async function buildZip(deps: BuildZipDeps, jobId: string, ref: ZipRef, budget: RunBudget = NO_LIMIT): Promise<Done> {
  const job = await deps.store.getJob(jobId);
  if (!job) throw new Error(`job ${jobId} not found`);
  log.appendKeys({ tenant: job.tenant_id });
  const started = await deps.store.updateZip(jobId, ref.sequence, ['pending', 'processing'], {
    status: 'processing',
    updated_at: deps.now().toISOString(),
  });
  if (!started) return { done: true }; // already finished by an earlier attempt
  const bin = await deps.blobs.getJson<Bin>(ref.bin_key);
  const checkpoints = new CheckpointStore(deps.blobs, jobId, ref.zip_id);
  const saved = await checkpoints.load();
  const run = { deps, job, ref, bin, checkpoints, budget };
  try {
    return await buildRun(run, saved);
  } catch (error) {
    // The upload the checkpoint continues is gone: S3's lifecycle rule aborts one a day old, and a
    // retry from checkpoint may come later; or a crash came between completing it and recording the
    // ZIP. Its parts cannot be reused, so the ZIP is built afresh.
    if (saved?.upload_id === undefined || !uploadGone(error)) throw error;
    log.warn('BuildZip: the checkpoint\'s upload is gone, building afresh', { job_id: jobId, zip_id: ref.zip_id, upload_id: saved.upload_id });
    await checkpoints.clear();
    return await buildRun(run, undefined);
  }
}

/** One pass over the ZIP's entries, from the checkpoint `saved` or from the start. */
async function buildRun(
  { deps, job, ref, bin, checkpoints, budget }: { deps: BuildZipDeps; job: Job; ref: ZipRef; bin: Bin; checkpoints: CheckpointStore; budget: RunBudget },
  saved: BuildCheckpoint | undefined,
): Promise<Done> {
  const jobId = job.id;
  let sink: ResumableZipSink;
  try {
    sink = await deps.sinks.open(job, ref, bin, { resume: await resumeOf(checkpoints, saved), onUploadCreated: (id) => checkpoints.recordUpload(id) });
  } catch (error) {
    if (!(error instanceof BucketUnavailableError)) throw error;
    await failZip(deps, jobId, ref, startRun(undefined), { error: error.message });
    return { done: true };
  }
  const writer = saved?.progress ? ZipWriter.resume(sink, saved.progress.writer) : new ZipWriter(sink);
  const progress = startRun(saved?.progress);
  const names = new EntryNameDeduper();
  for (const name of progress.claimed) names.claim(name);
  const reports = zipProgressReports(deps, jobId, ref);
  if (saved?.progress) await reports.report(progress, true); // a retry from checkpoint reset the counters
  const control = new RunControl(deps.store, jobId, job.run, budget);
  const build: Build = { deps, jobId, ref, job, bin, sink, writer, names, checkpoints, reports, control, sources: deps, maxFileMs: deps.maxFileMs, room: archiveRoom(job) };
  try {
    return await runEntries(build, progress);
  } catch (error) {
    await sink.settle(); // no part upload outlives the run
    throw error;
  } finally {
    control.stop();
  }
}

/** Where the saved sink stood: the upload, and its pending bytes when there is progress to resume. */
async function resumeOf(checkpoints: CheckpointStore, saved: BuildCheckpoint | undefined) {
  if (!saved) return undefined;
  const progress = saved.progress;
  return {
    ...(saved.upload_id !== undefined && { uploadId: saved.upload_id }),
    ...(progress && { saved: { state: progress.sink, data: await checkpoints.loadData(progress.data_key) } }),
  };
}

/**
 * Writes entries until none is left, the time is up, or a failed file ends
 * the ZIP; then pauses, finishes or gives way. A storage fault throws out of
 * here: the upload and the checkpoint stay, so a Step Functions retry or a
 * retry from checkpoint resumes instead of restarting.
 */
async function runEntries(b: Build, start: BuildProgress): Promise<Done> {
  let progress = start;
  try {
    let stop = false;
    while (entriesLeft(progress, b.bin)) {
      if (b.control.timeUp()) break;
      const outcome = progress.paused ? await writePausedEntry(b, progress.paused) : await writeFreshEntry(b, progress.next_entry);
      b.control.markWorked();
      progress = afterEntry(progress, b.bin, outcome);
      countEntry(b.deps, outcome);
      if (outcome.kind === 'paused') break;
      if (outcome.kind === 'failed' && b.job.options.fail_on_url_error) {
        stop = true;
        break;
      }
      await b.reports.report(progress, false);
    }
    if (!(await b.control.stillOwner())) return await giveWay(b);
    if (!stop && entriesLeft(progress, b.bin)) return await pause(b, progress);
    return await finish(b, progress);
  } catch (error) {
    // A bucket that refuses the ZIP for good (permissions, a missing bucket, rejected keys) fails it
    // with the cause and leaves no incomplete upload; other faults go to the workflow's retries.
    const refused = refusedWrite(error);
    if (refused === undefined) throw error;
    await b.sink.abort();
    await failZip(b.deps, b.jobId, b.ref, progress, { error: refused });
    await b.checkpoints.clear();
    log.warn('BuildZip refused by storage', { job_id: b.jobId, zip_id: b.ref.zip_id, error: refused });
    return { done: true };
  }
}

/** Another build owns the ZIP now: stop writing, leave no checkpoint and no ZIP. */
async function giveWay(b: Build): Promise<Done> {
  await b.sink.settle();
  log.warn('BuildZip superseded', { job_id: b.jobId, zip_id: b.ref.zip_id, run: b.control.ownRun });
  return { done: true };
}

/** A file written or left out, for the metrics. */
function countEntry(deps: BuildZipDeps, outcome: EntryOutcome): void {
  if (outcome.kind === 'written') deps.metrics?.fileFetched();
  else if (outcome.kind === 'failed') deps.metrics?.sourceFailed(outcome.errorClass);
}

async function pause(b: Build, progress: BuildProgress): Promise<Done> {
  await b.checkpoints.save(progress, b.sink, b.writer.checkpoint());
  await b.reports.report(progress, true);
  b.deps.metrics?.checkpointTaken();
  log.info('BuildZip paused', {
    job_id: b.jobId,
    zip_id: b.ref.zip_id,
    run: progress.runs,
    next_entry: progress.next_entry,
    offset: b.writer.offset,
    mid_entry: progress.paused !== undefined,
    ...(progress.paused && { paused_entry: progress.paused.entry }),
  });
  return { done: false };
}

/** Completes the ZIP, or fails it when no file made it (or one failed that had to make it). */
async function finish(b: Build, progress: BuildProgress): Promise<Done> {
  const failed = progress.files_done === 0 || (b.job.options.fail_on_url_error && progress.errors.length > 0);
  if (failed) {
    await b.sink.abort();
    await failZip(b.deps, b.jobId, b.ref, progress, progress.errors.length > 0 ? undefined : { error: 'no file could be added' });
    await b.checkpoints.clear();
    return { done: true };
  }
  await b.writer.finish();
  const size = await b.sink.complete();
  await completeZip(b.deps, b.jobId, b.ref, progress, size);
  await b.checkpoints.clear();
  b.deps.metrics?.zipBuilt(size);
  log.info('BuildZip done', { job_id: b.jobId, zip_id: b.ref.zip_id, runs: progress.runs, size });
  return { done: true };
}
