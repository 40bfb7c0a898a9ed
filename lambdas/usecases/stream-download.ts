/**
 * A stream ZIP's download: the archive is built while it is sent. With an
 * exact layout the answer has a length, an ETag and byte ranges; otherwise
 * it is one 200 stream. Everything that can fail before the first byte
 * (quota, the sources' CRCs a range needs, the first source) fails the
 * request with a status; later failures abort the transfer.
 */
import { createHash } from 'node:crypto';
import type { BlobStore } from '../adapters/blob-store';
import { attachmentDisposition } from '../core/content-disposition';
import type { UsageStore } from '../adapters/usage-store';
import type { ObjectPin } from '../core/objects';
import type { SourceOpener, SourceRef } from '../core/sources';
import { QuotaExceededError, SourceFailedError } from '../core/errors';
import { byteRange, rangeStillApplies } from '../core/http-range';
import { exactLayout } from '../core/jobs/stream-bin';
import { objectKeys, type Bin, type Job, type ZipRecord } from '../core/jobs/model';
import { archiveLimit, usageMonth, type Plan } from '../core/plans';
import { CrcCache } from './stream-zip/crc-cache';
import { exactBody } from './stream-zip/exact-body';
import { SourceError, type StreamFetchOptions } from './stream-zip/sources';
import { writerBody } from './stream-zip/writer-body';
import type { OperationalMetrics } from '../core/metrics';

export interface StreamDownloadDeps {
  readonly blobs: Pick<BlobStore, 'getJson' | 'findJson' | 'putJson'>;
  readonly usage?: UsageStore;
  readonly planOf: (job: Job) => Plan;
  readonly fetch: StreamFetchOptions;
  /** Stored objects (`s3://` entries) in the tenant's buckets: opened, and checked before the first byte. */
  readonly objects?: {
    readonly open: SourceOpener;
    readonly check: (source: SourceRef) => Promise<void>;
  };
  readonly now: () => Date;
  readonly metrics?: OperationalMetrics;
}

/** The sources of one tenant's job: its stored objects open in that tenant's buckets. */
export function jobSources(deps: Pick<StreamDownloadDeps, 'fetch' | 'objects'>, job: Job): StreamFetchOptions {
  const objects = deps.objects;
  if (!objects) return deps.fetch;
  const ref = (url: string, pin: ObjectPin) => ({ url, tenant_id: job.tenant_id, object: pin });
  return { ...deps.fetch, objects: { open: (url, pin, req) => objects.open(ref(url, pin), req), check: (url, pin) => objects.check(ref(url, pin)) } };
}

export interface DownloadRequest {
  readonly method: 'GET' | 'HEAD';
  /** Header values as sent. */
  readonly range?: string;
  readonly ifRange?: string;
}

export interface StreamAnswer {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body?: AsyncIterable<Uint8Array>;
  /** Called once the response has ended (or broke off) with the bytes actually sent. */
  readonly sent?: (bytes: number) => Promise<void>;
}

/** Names the version of the archive: its bins' pins fix every byte. */
function archiveEtag(job: Job, zip: ZipRecord, bin: Bin): string {
  const hash = createHash('sha256').update(JSON.stringify([job.id, zip.id, zip.filename, bin.entries])).digest('base64url');
  return `"${hash.slice(0, 32)}"`;
}

async function beforeFirstByte<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SourceError) throw new SourceFailedError(`source failed: ${error.message}`);
    throw error;
  }
}

export async function streamDownload(deps: StreamDownloadDeps, job: Job, zip: ZipRecord, request: DownloadRequest): Promise<StreamAnswer> {
  const plan = deps.planOf(job);
  const month = usageMonth(deps.now());
  if (deps.usage) {
    const used = (await deps.usage.monthly(job.tenant_id, month)).stream_gb;
    if (used >= plan.monthly_stream_gb) {
      throw new QuotaExceededError(`monthly stream quota of ${plan.monthly_stream_gb} GB on plan ${plan.name} is used up (${used.toFixed(3)} used in ${month})`);
    }
  }
  const bin = await deps.blobs.getJson<Bin>(zip.bin_key);
  const layout = exactLayout(bin);
  const headers: Record<string, string> = {
    'Content-Type': 'application/zip',
    'Content-Disposition': attachmentDisposition(zip.filename),
    'Cache-Control': 'private, no-cache',
  };
  const usage = deps.usage;
  const sent = async (bytes: number) => {
    deps.metrics?.streamBytesSent(bytes);
    if (usage && bytes > 0) await usage.addStream(job.tenant_id, month, bytes / 1e9);
  };

  if (!layout) {
    headers['Accept-Ranges'] = 'none';
    if (request.method === 'HEAD') return { statusCode: 200, headers };
    const body = await beforeFirstByte(() => writerBody(jobSources(deps, job), bin, archiveLimit(job, plan)));
    return { statusCode: 200, headers, body, sent };
  }

  const etag = archiveEtag(job, zip, bin);
  Object.assign(headers, { 'Accept-Ranges': 'bytes', ETag: etag });
  const range = rangeStillApplies(request.ifRange, etag) ? byteRange(request.range, layout.total) : ({ kind: 'whole' } as const);
  if (range.kind === 'unsatisfiable') {
    return { statusCode: 416, headers: { ...headers, 'Content-Range': `bytes */${layout.total}`, 'Content-Length': '0' } };
  }
  const [start, end] = range.kind === 'partial' ? [range.start, range.end] : [0, layout.total];
  headers['Content-Length'] = String(end - start);
  if (range.kind === 'partial') headers['Content-Range'] = `bytes ${start}-${end - 1}/${layout.total}`;
  const statusCode = range.kind === 'partial' ? 206 : 200;
  if (request.method === 'HEAD' || end === start) return { statusCode, headers };
  const crcs = await CrcCache.load(deps.blobs, objectKeys.crcs(job.id, zip.id), layout.entries.length);
  const body = await beforeFirstByte(() => exactBody(jobSources(deps, job), bin, layout, start, end, crcs));
  return { statusCode, headers, body, sent };
}
