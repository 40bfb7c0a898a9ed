/**
 * The real BuildZip use case on one source URL, for the throughput and
 * memory benchmarks: real fetcher, ZipWriter and MultipartSink, with the job
 * store and the bin reader as in-memory fakes (no DynamoDB involved). Kept
 * apart from ./pipelines so that the memory worker loads nothing else.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { BlobStore } from '../../lambdas/adapters/blob-store';
import type { JobStore } from '../../lambdas/adapters/job-store';
import type { OpenOptions } from '../../lambdas/core/fetch';
import type { Bin, Job } from '../../lambdas/core/jobs/model';
import { buildZip } from '../../lambdas/usecases/build-zip';

export type Method = 'store' | 'deflate';
export const entryName = (method: Method) => (method === 'store' ? 'data.bin' : 'data.txt');

/** BuildZip's fetch options, as lambdas/handlers/workflow/build-zip.ts sets them (private addresses allowed, as in the local stack). */
export const FETCH: Omit<OpenOptions, 'maxBytes'> = {
  allowPrivateAddresses: true,
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 30_000,
  idleTimeoutMs: 30_000,
  userAgent: 'zipjobs/0.1 (+https://github.com/zipjobs)',
};

let jobCounter = 0;

/**
 * Runs the real buildZip for a one-file bin. `s3` is either an S3 client on
 * the S3 stand-in or `discardingS3()`; returns the ZIP's key and size.
 */
export async function buildZipJob(s3: S3Client, bucket: string, url: string, method: Method): Promise<{ key: string; size: number; bytesIn: number }> {
  const id = `bench-${process.pid}-${++jobCounter}`;
  const now = new Date();
  const job = {
    id,
    tenant_id: 'bench',
    status: 'processing',
    options: { compression: method, fail_on_url_error: true, max_zip_size_bytes: null, allow_oversize_zips: false },
    url_count: 1,
    created_at: now.toISOString(),
  } as unknown as Job;
  const bin: Bin = { zip_id: 'zip_1', sequence: 1, filename: 'bench.zip', entries: [{ index: 0, url, filename: entryName(method) }] };
  let zip: { size?: number | null; bytes_done?: number; status?: string; errors?: unknown } = {};
  const store = {
    getJob: async () => job,
    updateZip: async (_job: string, _seq: number, _from: unknown, changes: typeof zip) => {
      zip = { ...zip, ...changes };
      return true;
    },
  } as unknown as JobStore;
  const blobs = { getJson: async () => bin } as unknown as BlobStore;
  await buildZip({ store, blobs, now: () => new Date(), s3, bucket, fetch: FETCH }, id, { zip_id: 'zip_1', sequence: 1, bin_key: 'bin' });
  if (zip.status !== 'completed') throw new Error(`buildZip ended ${zip.status}: ${JSON.stringify(zip.errors)}`);
  return { key: `zips/${id}/zip_1.zip`, size: zip.size ?? 0, bytesIn: zip.bytes_done ?? 0 };
}

/**
 * An in-process S3 client that accepts a multipart upload and drops its
 * bytes: MultipartSink still fills, holds and "uploads" its parts. Reads find
 * nothing (BuildZip finds no checkpoint to resume); other writes are dropped.
 * `received` counts the archive's bytes (keys under `zips/`).
 */
export function discardingS3(): S3Client & { received: number } {
  const fake = {
    received: 0,
    async send(command: unknown) {
      if (command instanceof CreateMultipartUploadCommand) return { UploadId: 'discard' };
      if (command instanceof UploadPartCommand) {
        fake.received += (command.input.Body as Buffer).length;
        return { ETag: `"${command.input.PartNumber}"` };
      }
      if (command instanceof PutObjectCommand) {
        if (command.input.Key?.startsWith('zips/')) fake.received += (command.input.Body as Buffer).length;
        return {};
      }
      if (command instanceof GetObjectCommand) throw Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
      if (
        command instanceof CompleteMultipartUploadCommand ||
        command instanceof AbortMultipartUploadCommand ||
        command instanceof DeleteObjectsCommand
      ) {
        return {};
      }
      throw new Error(`discardingS3: unexpected ${(command as object).constructor.name}`);
    },
  };
  return fake as unknown as S3Client & { received: number };
}
