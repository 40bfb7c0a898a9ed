import type { S3Client } from '@aws-sdk/client-s3';
import { attachmentDisposition } from '../adapters/blob-store';
import { MultipartSink } from '../adapters/multipart-sink';
import { chooseMethod } from '../core/compression';
import { FetchError, openSource, type OpenOptions, type OpenedSource } from '../core/fetch';
import { LIMITS } from '../core/jobs/create-request';
import { objectKeys, type Bin, type BinEntry, type Job, type JobError } from '../core/jobs/model';
import { EntryNameDeduper, entryBaseName } from '../core/naming';
import { EntryAbortedError, ZipWriter } from '../core/zip';
import type { WorkflowDeps } from './workflow';

export interface BuildZipDeps extends WorkflowDeps {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly fetch: Omit<OpenOptions, 'maxBytes'>;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface ZipRef {
  readonly zip_id: string;
  readonly sequence: number;
  readonly bin_key: string;
}

const FETCH_ATTEMPTS = 3;
const PROGRESS_EVERY_MS = 1000;

/** Opens a source, retrying what may pass (5xx, 429, resets, timeouts) with jittered backoff and Retry-After. */
async function openWithRetry(deps: BuildZipDeps, url: string, maxBytes: number): Promise<OpenedSource> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await openSource(url, { ...deps.fetch, maxBytes });
    } catch (error) {
      if (!(error instanceof FetchError) || !error.retryable || attempt >= FETCH_ATTEMPTS) throw error;
      const backoff = 250 * 2 ** attempt * (0.5 + Math.random() / 2);
      await sleep(Math.min(10_000, Math.max(backoff, error.retryAfterMs ?? 0)));
    }
  }
}

/** The short, user-facing reason a file was left out. */
function fileError(error: unknown): string | undefined {
  if (error instanceof FetchError) return error.message;
  if (error instanceof EntryAbortedError) return error.cause instanceof FetchError ? error.cause.message : error.message;
  return undefined;
}

function entryTime(source: OpenedSource, job: Job): Date {
  const modified = source.lastModified ? Date.parse(source.lastModified) : NaN;
  return new Date(Number.isNaN(modified) ? job.created_at : modified);
}

/**
 * BuildZip: streams one bin's sources into a ZIP in S3. A file that cannot
 * be fetched fails the ZIP (fail_on_url_error) or is left out and reported;
 * a ZIP none of whose files made it is failed. Storage faults throw, and the
 * workflow records the ZIP as failed.
 */
export async function buildZip(deps: BuildZipDeps, jobId: string, ref: ZipRef): Promise<{ done: boolean }> {
  const job = await deps.store.getJob(jobId);
  if (!job) throw new Error(`job ${jobId} not found`);
  const started = await deps.store.updateZip(jobId, ref.sequence, ['pending', 'processing'], {
    status: 'processing',
    updated_at: deps.now().toISOString(),
  });
  if (!started) return { done: true }; // already finished by an earlier attempt
  const bin = await deps.blobs.getJson<Bin>(ref.bin_key);
  const key = objectKeys.zip(jobId, ref.zip_id);

  const sink = new MultipartSink(deps.s3, { bucket: deps.bucket, key, contentDisposition: attachmentDisposition(bin.filename) });
  const writer = new ZipWriter(sink);
  const names = new EntryNameDeduper();
  const errors: JobError[] = [];
  let filesDone = 0;
  let bytesDone = 0;
  let lastProgress = Date.now();

  const recordProgress = async (force: boolean) => {
    if (!force && Date.now() - lastProgress < PROGRESS_EVERY_MS) return;
    lastProgress = Date.now();
    await deps.store.updateZip(jobId, ref.sequence, ['processing'], { files_done: filesDone, bytes_done: bytesDone });
  };

  const addEntry = async (entry: BinEntry): Promise<boolean> => {
    try {
      const source = await openWithRetry(deps, entry.url, LIMITS.maxZipSize);
      const name = names.claim(entryBaseName({ filename: entry.filename, contentDispositionName: source.filename, url: source.url }));
      const result = await writer.addEntry(
        { name, method: chooseMethod(job.options.compression, name), size: source.contentLength, mtime: entryTime(source, job), maxBytes: LIMITS.maxZipSize },
        source.body,
      );
      if (result.status === 'written') bytesDone += result.size;
      return true;
    } catch (error) {
      const message = fileError(error);
      if (message === undefined) throw error;
      errors.push({ url: entry.url, error: message });
      return false;
    }
  };

  try {
    for (const entry of bin.entries) {
      const added = await addEntry(entry);
      if (added) filesDone++;
      else if (job.options.fail_on_url_error) break;
      await recordProgress(false);
    }
    const failed = filesDone === 0 || (job.options.fail_on_url_error && errors.length > 0);
    if (failed) {
      await sink.abort();
      await deps.store.updateZip(jobId, ref.sequence, ['processing'], {
        status: 'failed',
        errors: errors.length > 0 ? errors : [{ error: 'no file could be added' }],
        files_done: filesDone,
        bytes_done: bytesDone,
        updated_at: deps.now().toISOString(),
      });
      return { done: true };
    }
    await writer.finish();
    const size = await sink.complete();
    await deps.store.updateZip(jobId, ref.sequence, ['processing'], {
      status: 'completed',
      size,
      file_count: filesDone,
      errors,
      files_done: filesDone,
      bytes_done: bytesDone,
      updated_at: deps.now().toISOString(),
    });
    return { done: true };
  } catch (error) {
    await sink.abort();
    throw error;
  }
}
