import type { S3Client } from '@aws-sdk/client-s3';
import type { EntryNameRecord } from '../adapters/job-lists';
import { attachmentDisposition } from '../adapters/blob-store';
import { log } from '../adapters/log';
import { MultipartSink, StorageWriteError, type MultipartSinkOptions } from '../adapters/multipart-sink';
import { BucketUnavailableError, storageProblem } from '../core/buckets/storage-errors';
import { chooseMethod } from '../core/compression';
import { FetchError, type OpenedSource } from '../core/fetch';
import { LIMITS } from '../core/jobs/create-request';
import { isTerminal, objectKeys, type Bin, type BinEntry, type Job, type JobError } from '../core/jobs/model';
import { EntryNameDeduper, entryBaseName } from '../core/naming';
import { archiveLimit } from '../core/plans';
import { lonePayloadLimit, payloadLimit } from '../core/packing';
import { EntryAbortedError, ZipWriter, ZipWriterBrokenError, nameLength, type EntryControl, type ZipMethod } from '../core/zip';
import { CheckpointStore, type BuildCheckpoint, type PausedEntry } from './build-zip/checkpoint';
import { ENTRY_RETRIES, openWithRetry, rangeValidator, resumingBody, type RetryAllowance, type SourceDeps, type SourceRef } from './build-zip/source';
import { NO_LIMIT, type RunBudget } from './budget';
import type { WorkflowDeps } from './workflow';
import { recordZipLists } from './zip-lists';

export interface BuildZipDeps extends WorkflowDeps, SourceDeps {
  /** The service's bucket: checkpoints, and ZIPs that go nowhere else. */
  readonly s3: S3Client;
  readonly bucket: string;
  /** Where a ZIP is written when not to `zips/` in the service's bucket (a tenant's own bucket). */
  readonly zipTarget?: (job: Job, ref: ZipRef, bin: Bin) => Promise<ZipTarget | undefined>;
  /** Most time one file may take to fetch, across runs and retries: `timeout` after it. */
  readonly maxFileMs?: number;
}

/** The object a ZIP is written to, and the sink settings its storage needs. */
export interface ZipTarget {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly key: string;
  readonly sink?: Pick<MultipartSinkOptions, 'uniformPartSize' | 'queueSize'>;
}

export interface ZipRef {
  readonly zip_id: string;
  readonly sequence: number;
  readonly bin_key: string;
}

/** Time BuildZip keeps at most for the parts in flight and the checkpoint. */
export const BUILD_ZIP_MARGIN_MS = 60_000;

const PROGRESS_EVERY_MS = 1000;

/** How often a build checks that it still owns its ZIP (see `buildZip`). */
const OWNER_CHECK_MS = 5000;

/** The short, user-facing reason a file was left out. */
function fileError(error: unknown): string | undefined {
  if (error instanceof FetchError) return error.message;
  if (error instanceof EntryAbortedError) return error.cause instanceof FetchError ? error.cause.message : error.message;
  return undefined;
}

/** Why the storage refused the ZIP's bytes for good (named for the user), or undefined for faults worth retrying. */
function refusedWrite(error: unknown): string | undefined {
  let e = error;
  while (e instanceof ZipWriterBrokenError) e = e.cause;
  if (e instanceof BucketUnavailableError) return e.message;
  return e instanceof StorageWriteError ? storageProblem(e.cause, e.uri) : undefined;
}

/** Worth starting the entry over: the source failed in a way that may pass, and not because of its content. */
function restartable(error: unknown): boolean {
  const cause = error instanceof EntryAbortedError ? error.cause : error;
  return cause instanceof FetchError && cause.retryable;
}

/**
 * The per-entry cap that keeps a split job's promise: a probed size was
 * packed, so a source that sends more is cut off ("too large"); a file of
 * unknown size in a job that allows no oversize ZIP gets what its own ZIP
 * has room for. Everything else only has the global limit.
 */
function entryMaxBytes(job: Job, entry: BinEntry, name: string, method: ZipMethod): number {
  if (entry.size !== undefined) return Math.min(entry.size, LIMITS.maxZipSize);
  const cap = job.options.max_zip_size_bytes;
  if (cap === null || job.options.allow_oversize_zips) return LIMITS.maxZipSize;
  return Math.max(0, lonePayloadLimit(method, Buffer.byteLength(name, 'utf8'), { cap, patching: true }));
}

function entryTime(source: OpenedSource, job: Job): Date {
  const modified = source.lastModified ? Date.parse(source.lastModified) : NaN;
  return new Date(Number.isNaN(modified) ? job.created_at : modified);
}

async function* failing(error: unknown): AsyncGenerator<Buffer> {
  throw error;
}

/**
 * Fails the ZIP: its file errors go to the job's error list, `fault` (the
 * reason beyond its files, if any) on its record.
 */
async function failZip(
  deps: WorkflowDeps,
  jobId: string,
  ref: ZipRef,
  fileErrors: readonly JobError[],
  fault: JobError | undefined,
  filesDone: number,
  bytesDone: number,
): Promise<void> {
  await recordZipLists(deps.lists, jobId, ref.sequence, fileErrors);
  await deps.store.updateZip(jobId, ref.sequence, ['processing'], {
    status: 'failed',
    errors: fault ? [fault] : [],
    file_error_count: fileErrors.length,
    files_done: filesDone,
    bytes_done: bytesDone,
    updated_at: deps.now().toISOString(),
  });
}

type Outcome = { kind: 'written'; size: number; name: string } | { kind: 'paused'; paused: PausedEntry } | { kind: 'failed'; message: string };

/**
 * BuildZip: streams one bin's sources into a ZIP in S3. A file that cannot
 * be fetched fails the ZIP (fail_on_url_error) or is left out and reported;
 * a ZIP none of whose files made it is failed. Storage faults throw, and the
 * workflow records the ZIP as failed.
 *
 * Resumable: past `budget.stopAt` it stops between entries or mid-file (a
 * DEFLATE entry ends its output with a full flush there), saves a
 * checkpoint and returns `{done: false}`; a later call (the state machine's
 * loop, a retry after a crash, a retry from checkpoint) continues from the
 * checkpoint while the ZIP is pending or processing.
 */
export async function buildZip(
  deps: BuildZipDeps,
  jobId: string,
  ref: ZipRef,
  budget: RunBudget = NO_LIMIT,
): Promise<{ done: boolean }> {
  const job = await deps.store.getJob(jobId);
  if (!job) throw new Error(`job ${jobId} not found`);
  log.appendKeys({ tenant: job.tenant_id });
  const ownRun = job.run;
  const started = await deps.store.updateZip(jobId, ref.sequence, ['pending', 'processing'], {
    status: 'processing',
    updated_at: deps.now().toISOString(),
  });
  if (!started) return { done: true }; // already finished by an earlier attempt
  const bin = await deps.blobs.getJson<Bin>(ref.bin_key);
  let target: ZipTarget;
  try {
    target = (await deps.zipTarget?.(job, ref, bin)) ?? { s3: deps.s3, bucket: deps.bucket, key: objectKeys.zip(jobId, ref.zip_id) };
  } catch (error) {
    if (!(error instanceof BucketUnavailableError)) throw error;
    await failZip(deps, jobId, ref, [], { error: error.message }, 0, 0);
    return { done: true };
  }
  const checkpoints = new CheckpointStore(deps.s3, deps.bucket, objectKeys.checkpoint(jobId, ref.zip_id));
  const saved = await checkpoints.load();
  const progress = saved?.progress;

  const uploadId = saved?.upload_id;
  let lastSaved = saved;
  const sinkOptions: MultipartSinkOptions = {
    ...target.sink,
    bucket: target.bucket,
    key: target.key,
    contentDisposition: attachmentDisposition(bin.filename),
    ...(uploadId !== undefined && { uploadId }),
    // Recorded at once, so that a crash before the next save can reuse (or abort) the upload.
    onUploadCreated: async (id) => {
      lastSaved = { ...(lastSaved ?? { v: 1 }), upload_id: id };
      await checkpoints.put(lastSaved);
    },
  };
  const sink = progress
    ? MultipartSink.restore(target.s3, sinkOptions, progress.sink, await checkpoints.loadData(progress.data_key))
    : new MultipartSink(target.s3, sinkOptions);
  const writer = progress ? ZipWriter.resume(sink, progress.writer) : new ZipWriter(sink);
  const names = new EntryNameDeduper();
  const claimed: string[] = [];
  for (const name of progress?.claimed ?? []) claimed.push(names.claim(name));
  const errors: JobError[] = [...(progress?.errors ?? [])];
  const entryNames: EntryNameRecord[] = [...(progress?.entry_names ?? [])];
  let filesDone = progress?.files_done ?? 0;
  let bytesDone = progress?.bytes_done ?? 0;
  let paused = progress?.paused;
  let next = progress?.next_entry ?? 0;
  let dataKey = progress?.data_key;
  const runs = (progress?.runs ?? 0) + 1;
  let lastProgress = Date.now();
  let worked = false; // each run does some work before it may stop, so a tiny budget still advances

  const recordProgress = async (force: boolean) => {
    if (!force && Date.now() - lastProgress < PROGRESS_EVERY_MS) return;
    lastProgress = Date.now();
    await deps.store.updateZip(jobId, ref.sequence, ['processing'], { files_done: filesDone, bytes_done: bytesDone });
  };
  if (progress) await recordProgress(true); // a retry from checkpoint reset the counters

  // A build whose execution ended early (stopped, timed out) runs on, as a
  // Lambda does, while WorkflowEnded fails its job and a retry may start
  // another build of this ZIP. So it checks every few seconds, and before
  // anything others would see (a checkpoint, the finished ZIP), that the job
  // is still unfinished and on the same run; if not, it stops writing at once.
  const stillOwner = async () => {
    const current = await deps.store.getJob(jobId);
    return current !== undefined && current.run === ownRun && !isTerminal(current.status);
  };
  let superseded = false;
  const ownerCheck = setInterval(() => {
    stillOwner().then(
      (own) => void (superseded ||= !own),
      () => undefined,
    );
  }, OWNER_CHECK_MS);
  ownerCheck.unref();
  const giveWay = async () => {
    await sink.settle();
    log.warn('BuildZip superseded', { job_id: jobId, zip_id: ref.zip_id, run: ownRun });
    return { done: true };
  };

  const timeUp = () => superseded || (worked && Date.now() >= budget.stopAt);
  const control = (): EntryControl => ({
    shouldPause: () => {
      worked = true;
      return timeUp();
    },
  });
  const fetchCap = (entry: BinEntry) => entry.size ?? LIMITS.maxZipSize;
  const sourceOf = (entry: BinEntry): SourceRef => ({ url: entry.url, tenant_id: job.tenant_id, ...(entry.object && { object: entry.object }) });
  // The plan's per-archive size holds for every ZIP, split or not: an entry
  // may take only what the archive has left, so a source is cut off ("too
  // large") before the ZIP would pass it, and one announced larger is
  // refused before its body is read.
  const archiveCap = archiveLimit(job) ?? LIMITS.maxZipSize;
  const roomFor = (method: ZipMethod, nameBytes: number) => payloadLimit(method, nameBytes, { cap: archiveCap, patching: true }, writer.committedBytes);

  // The per-file time limit: this entry's time so far (earlier runs included) and its deadline.
  let entryClock = { startedAt: Date.now(), before: 0 };
  const startEntryClock = (before: number) => (entryClock = { startedAt: Date.now(), before });
  const entryElapsed = () => entryClock.before + (Date.now() - entryClock.startedAt);
  const entryDeadline = () => (deps.maxFileMs === undefined ? undefined : entryClock.startedAt + deps.maxFileMs - entryClock.before);

  /** Streams entry `index` from byte 0 (restarting it a bounded number of times); `name` when already claimed. */
  const freshEntry = async (index: number, entry: BinEntry, claimedName?: string, allowance: RetryAllowance = { left: ENTRY_RETRIES }): Promise<Outcome> => {
    if (claimedName === undefined) startEntryClock(0);
    const deadline = entryDeadline();
    let name = claimedName;
    // The most any name and method could leave room for, before the GET decides them.
    const openCap = Math.min(fetchCap(entry), roomFor('store', 0));
    if (openCap < 0) return { kind: 'failed', message: FetchError.tooLarge().message };
    for (;;) {
      let opened = false;
      try {
        const source = await openWithRetry(deps, sourceOf(entry), { maxBytes: openCap, ...(deadline !== undefined && { deadline }) });
        opened = true;
        if (name === undefined) {
          name = names.claim(entryBaseName({ filename: entry.filename, contentDispositionName: source.filename, url: source.url }));
          claimed.push(name);
        }
        const method = chooseMethod(job.options.compression, name);
        const room = roomFor(method, nameLength(name));
        if (source.contentLength !== undefined && source.contentLength > room) {
          source.body.destroy();
          throw FetchError.tooLarge();
        }
        const cap = Math.min(fetchCap(entry), Math.max(0, room));
        const validator = rangeValidator(source);
        const body = resumingBody(deps, sourceOf(entry), source, 0, cap, validator, allowance, deadline);
        const meta = { name, method, size: source.contentLength, mtime: entryTime(source, job), maxBytes: Math.min(entryMaxBytes(job, entry, name, method), Math.max(0, room)) };
        const result = await writer.addEntry(meta, body, control());
        worked = true;
        if (result.status === 'paused') {
          return { kind: 'paused', paused: { entry: index, name, ...(validator !== undefined && { validator }), elapsed_ms: entryElapsed() } };
        }
        return { kind: 'written', size: result.size, name };
      } catch (error) {
        const message = fileError(error);
        if (message === undefined) throw error;
        // Opening has its own retries; a restart is for a transfer that broke off.
        if (opened && restartable(error) && allowance.left > 0) {
          allowance.left--;
          continue;
        }
        return { kind: 'failed', message };
      }
    }
  };

  /** Continues an entry paused by an earlier run (STORE or DEFLATE): Range from where it stopped, else from byte 0. */
  const pausedEntry = async (p: PausedEntry): Promise<Outcome> => {
    const entry = bin.entries[p.entry]!;
    startEntryClock(p.elapsed_ms ?? 0);
    const deadline = entryDeadline();
    const current = writer.checkpoint().current!;
    const from = current.bytesDone;
    // The entry's cap was fixed when it started (the archive's room then).
    const cap = Math.min(fetchCap(entry), current.maxBytes ?? LIMITS.maxZipSize);
    let opened = false;
    const allowance: RetryAllowance = { left: ENTRY_RETRIES };
    try {
      const source = await openWithRetry(deps, sourceOf(entry), { maxBytes: cap, rangeStart: from, ...(p.validator && { ifRange: p.validator }), ...(deadline !== undefined && { deadline }) });
      opened = true;
      const result = await writer.continueEntry(resumingBody(deps, sourceOf(entry), source, from, cap, p.validator, allowance, deadline), control());
      worked = true;
      if (result.status === 'paused') return { kind: 'paused', paused: { ...p, elapsed_ms: entryElapsed() } };
      return { kind: 'written', size: result.size, name: p.name };
    } catch (error) {
      if (!opened) {
        // Drops the paused entry's bytes (the writer truncates back to its header).
        await writer.continueEntry(failing(error)).catch((e: unknown) => {
          if (!(e instanceof EntryAbortedError)) throw e;
        });
      }
      const message = fileError(error);
      if (message === undefined) throw error;
      const refused = error instanceof FetchError && error.kind === 'range-not-honoured';
      if ((opened || refused) && restartable(error)) return freshEntry(p.entry, entry, p.name, allowance);
      return { kind: 'failed', message };
    }
  };

  const saveCheckpoint = async () => {
    const { state, data } = await sink.exportState();
    const newDataKey = checkpoints.nextDataKey();
    await checkpoints.putData(newDataKey, data);
    const cp: BuildCheckpoint = {
      v: 1,
      ...(state.uploadId !== undefined && { upload_id: state.uploadId }),
      progress: {
        sink: state,
        data_key: newDataKey,
        writer: writer.checkpoint(),
        next_entry: next,
        ...(paused && { paused }),
        claimed,
        errors,
        entry_names: entryNames,
        files_done: filesDone,
        bytes_done: bytesDone,
        runs,
      },
    };
    await checkpoints.put(cp);
    lastSaved = cp;
    await checkpoints.deleteData([dataKey]).catch(() => undefined); // garbage only; lifecycle rules catch what this misses
    dataKey = newDataKey;
  };

  const cleanUp = () => checkpoints.delete([dataKey]).catch(() => undefined);

  try {
    // A storage fault throws out of here: the upload and the checkpoint stay, so
    // a Step Functions retry or a retry from checkpoint resumes instead of restarting.
    let stop = false;
    while (paused || next < bin.entries.length) {
      if (timeUp()) break;
      let outcome: Outcome;
      if (paused) {
        outcome = await pausedEntry(paused);
      } else {
        outcome = await freshEntry(next, bin.entries[next]!);
      }
      worked = true;
      if (outcome.kind === 'paused') {
        paused = outcome.paused;
        next = paused.entry + 1;
        break;
      }
      if (paused) next = paused.entry + 1;
      else next++;
      paused = undefined;
      if (outcome.kind === 'written') {
        entryNames.push([bin.entries[next - 1]!.index, outcome.name]);
        filesDone++;
        bytesDone += outcome.size;
      } else {
        errors.push({ url: bin.entries[next - 1]!.url, error: outcome.message });
        if (job.options.fail_on_url_error) {
          stop = true;
          break;
        }
      }
      await recordProgress(false);
    }

    if (superseded || !(await stillOwner())) return await giveWay();
    if (!stop && (paused || next < bin.entries.length)) {
      await saveCheckpoint();
      await recordProgress(true);
      log.info('BuildZip paused', {
        job_id: jobId,
        zip_id: ref.zip_id,
        run: runs,
        next_entry: next,
        offset: writer.offset,
        mid_entry: paused !== undefined,
        ...(paused && { paused_entry: paused.entry }),
      });
      return { done: false };
    }

    const failed = filesDone === 0 || (job.options.fail_on_url_error && errors.length > 0);
    if (failed) {
      await sink.abort();
      await failZip(deps, jobId, ref, errors, errors.length > 0 ? undefined : { error: 'no file could be added' }, filesDone, bytesDone);
      await cleanUp();
      return { done: true };
    }
    await writer.finish();
    const size = await sink.complete();
    await recordZipLists(deps.lists, jobId, ref.sequence, errors, entryNames);
    await deps.store.updateZip(jobId, ref.sequence, ['processing'], {
      status: 'completed',
      size,
      file_count: filesDone,
      errors: [],
      file_error_count: errors.length,
      files_done: filesDone,
      bytes_done: bytesDone,
      updated_at: deps.now().toISOString(),
    });
    await cleanUp();
    log.info('BuildZip done', { job_id: jobId, zip_id: ref.zip_id, runs, size });
    return { done: true };
  } catch (error) {
    // A bucket that refuses the ZIP for good (permissions, a missing bucket, rejected keys) fails it
    // with the cause and leaves no incomplete upload; other faults go to the workflow's retries.
    const refused = refusedWrite(error);
    if (refused === undefined) throw error;
    await sink.abort();
    await failZip(deps, jobId, ref, errors, { error: refused }, filesDone, bytesDone);
    await cleanUp();
    log.warn('BuildZip refused by storage', { job_id: jobId, zip_id: ref.zip_id, error: refused });
    return { done: true };
  } finally {
    clearInterval(ownerCheck);
  }
}
