/**
 * The real BuildZip use case on a bin of source URLs, for the throughput and
 * memory benchmarks: real fetcher, ZipWriter and MultipartSink, with the job
 * store and the bin reader as in-memory fakes (no DynamoDB involved). Kept
 * apart from ./pipelines so that the memory worker loads nothing else.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { s3BlobStore } from '../../lambdas/adapters/blob-store';
import { entrySources, type UrlFetchOptions } from '../../lambdas/adapters/entry-sources';
import type { JobStore } from '../../lambdas/adapters/job-store';
import type { Bin, Job } from '../../lambdas/core/jobs/model';
import type { RunBudget } from '../../lambdas/usecases/budget';
import { multipartZipSinks } from '../../lambdas/handlers/workflow/zip-sinks';
import { buildZip } from '../../lambdas/usecases/build-zip';
import { memoryJobLists } from '../../test/support/memory-lists';

export type Method = 'store' | 'deflate';
export const entryName = (method: Method) => (method === 'store' ? 'data.bin' : 'data.txt');

/** BuildZip's fetch options, as lambdas/handlers/workflow/build-zip.ts sets them (private addresses allowed, as in the local stack). */
export const FETCH: UrlFetchOptions = {
  allowPrivateAddresses: true,
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 30_000,
  idleTimeoutMs: 30_000,
  userAgent: 'zipjobs/0.1 (+https://github.com/zipjobs)',
};

let jobCounter = 0;

export interface BenchEntry {
  readonly url: string;
  readonly name: string;
}

export interface BuildZipJobOptions {
  /** Job id; give the same one to every run of a build that resumes from its checkpoint. */
  readonly id?: string;
  readonly budget?: RunBudget;
}

/**
 * Runs the real buildZip for one bin of `entries`. `s3` is an S3 client on
 * s3rver or on the discarding stand-in. Returns the ZIP's key, and its size
 * once done (`done: false`: the run stopped at its budget and saved a
 * checkpoint for the next run with the same id).
 */
export async function buildZipJob(
  s3: S3Client,
  bucket: string,
  entries: readonly BenchEntry[],
  method: Method,
  options: BuildZipJobOptions = {},
): Promise<{ done: boolean; key: string; size: number; bytesIn: number }> {
  const id = options.id ?? `bench-${process.pid}-${++jobCounter}`;
  const now = new Date();
  const job = {
    id,
    tenant_id: 'bench',
    status: 'processing',
    options: { compression: method, fail_on_url_error: true, max_zip_size_bytes: null, allow_oversize_zips: false },
    url_count: entries.length,
    created_at: now.toISOString(),
  } as unknown as Job;
  const bin: Bin = { zip_id: 'zip_1', sequence: 1, filename: 'bench.zip', entries: entries.map((e, index) => ({ index, url: e.url, filename: e.name })) };
  let zip: { size?: number | null; bytes_done?: number; status?: string; errors?: unknown } = {};
  const store = {
    getJob: async () => job,
    updateZip: async (_job: string, _seq: number, _from: unknown, changes: typeof zip) => {
      zip = { ...zip, ...changes };
      return true;
    },
  } as unknown as JobStore;
  // The bin from memory; checkpoints and the ZIP in the bucket.
  const blobs = { ...s3BlobStore(s3, bucket), getJson: async <T>() => bin as T };
  const ref = { zip_id: 'zip_1', sequence: 1, bin_key: 'bin' };
  const deps = { store, lists: memoryJobLists(), blobs, now: () => new Date(), sinks: multipartZipSinks({ s3, bucket }), sources: entrySources(FETCH) };
  const { done } = await buildZip(deps, id, ref, options.budget);
  if (done && zip.status !== 'completed') throw new Error(`buildZip ended ${zip.status}: ${JSON.stringify(zip.errors)}`);
  return { done, key: `zips/${id}/zip_1.zip`, size: zip.size ?? 0, bytesIn: zip.bytes_done ?? 0 };
}
