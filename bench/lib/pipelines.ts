/**
 * The pipelines the throughput and memory benchmarks time. Each moves one
 * source URL's bytes somewhere and resolves with the bytes it read:
 *
 * - `buildZipJob` (./build-zip-job): the real BuildZip use case.
 * - `writerToNull` / `archiverTo*`: the same fetch → writer → sink chain with
 *   the writer's output discarded, or with archiver in the writer's place.
 * - `rawToS3` / `rawToNull`: the ceilings, a plain `http.get` of the same
 *   URL copied into the sink; `zlibToNull`: the fetcher's body through a
 *   bare zlib stream, the DEFLATE ceiling.
 */
import { get, type IncomingMessage } from 'node:http';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createDeflateRaw } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { ZipArchive } from 'archiver';
import { MultipartSink } from '../../lambdas/adapters/multipart-sink';
import { openSource } from '../../lambdas/core/fetch';
import type { SourceBody } from '../../lambdas/core/fetch/body';
import { ZipWriter, type ZipSink } from '../../lambdas/core/zip';
import { FETCH, entryName, type Method } from './build-zip-job';
import { MiB } from './data';

/** The level BuildZip deflates at: it passes no level, so ZipWriter's default. */
export const BUILD_ZIP_LEVEL = 6;
/** MultipartSink's defaults, given to the raw copy's multipart upload too. */
export const PART_SIZE = 10 * MiB;
export const QUEUE_SIZE = 4;

export { buildZipJob, entryName, FETCH, type Method } from './build-zip-job';
const MTIME = new Date('2025-01-01T00:00:00Z');

let jobCounter = 0;

/** A patching ZipSink that keeps nothing: the writer's output, discarded. */
export function nullSink(): ZipSink & { bytes: number } {
  const sink = {
    bytes: 0,
    async write(chunk: Uint8Array) {
      sink.bytes += chunk.length;
    },
    patching: { hold() {}, async patch() {}, async truncate() {} },
  };
  return sink;
}

/** Fetcher → ZipWriter (at `level`) → null sink. */
export async function writerToNull(url: string, method: Method, level = BUILD_ZIP_LEVEL): Promise<number> {
  const source = await openSource(url, { ...FETCH, maxBytes: Number.MAX_SAFE_INTEGER });
  const writer = new ZipWriter(nullSink(), { deflateLevel: level });
  const result = await writer.addEntry({ name: entryName(method), method, size: source.contentLength, mtime: MTIME }, source.body);
  await writer.finish();
  if (result.status !== 'written') throw new Error('paused');
  return result.size;
}

/** Fetcher → archiver (same level, or STORE) → `write`. */
async function archiverTo(url: string, method: Method, write: (chunk: Buffer) => Promise<void> | void): Promise<number> {
  const source = await openSource(url, { ...FETCH, maxBytes: Number.MAX_SAFE_INTEGER });
  const archive = new ZipArchive({ zlib: { level: BUILD_ZIP_LEVEL } });
  let failure: unknown;
  archive.on('error', (err) => (failure ??= err));
  archive.append(source.body, { name: entryName(method), date: MTIME, store: method === 'store' });
  const finalized = archive.finalize().catch((err: unknown) => void (failure ??= err));
  for await (const chunk of archive) await write(chunk as Buffer);
  await finalized;
  if (failure) throw failure;
  return (source.body as SourceBody).bytesReceived;
}

export const archiverToNull = (url: string, method: Method): Promise<number> => archiverTo(url, method, () => undefined);

/** archiver in BuildZip's place: fetcher → archiver → MultipartSink (no patching: archiver writes data descriptors). */
export async function archiverToS3(s3: S3Client, bucket: string, url: string, method: Method): Promise<{ key: string; bytesIn: number }> {
  const key = `archiver/${process.pid}-${++jobCounter}.zip`;
  const sink = new MultipartSink(s3, { bucket, key });
  const bytesIn = await archiverTo(url, method, (chunk) => sink.write(chunk));
  await sink.complete();
  return { key, bytesIn };
}

function httpGet(url: string): Promise<IncomingMessage> {
  return new Promise((ok, fail) => get(url, ok).on('error', fail));
}

/** The ceiling: the HTTP body as-is, in a plain multipart upload (lib-storage, MultipartSink's part size and queue). */
export async function rawToS3(s3: S3Client, bucket: string, url: string): Promise<{ key: string; bytesIn: number }> {
  const key = `raw/${process.pid}-${++jobCounter}.bin`;
  const res = await httpGet(url);
  let bytesIn = 0;
  res.on('data', (c: Buffer) => (bytesIn += c.length));
  await new Upload({ client: s3, params: { Bucket: bucket, Key: key, Body: res }, partSize: PART_SIZE, queueSize: QUEUE_SIZE }).done();
  return { key, bytesIn };
}

const discard = (count: (n: number) => void) =>
  new Writable({
    highWaterMark: 1 << 20,
    write(chunk: Buffer, _enc, cb) {
      count(chunk.length);
      cb();
    },
  });

/** The null-sink ceiling: read the HTTP body and drop it. */
export async function rawToNull(url: string): Promise<number> {
  const res = await httpGet(url);
  let n = 0;
  for await (const chunk of res) n += (chunk as Buffer).length;
  return n;
}

/**
 * The DEFLATE ceiling: a bare zlib deflateRaw stream at `level`, output
 * dropped, fed by the same fetcher as the writer, so that a ratio of the two
 * is the writer's alone (CRC-32, batching, records) against zlib's own speed.
 */
export async function zlibToNull(url: string, level = BUILD_ZIP_LEVEL): Promise<number> {
  const source = await openSource(url, { ...FETCH, maxBytes: Number.MAX_SAFE_INTEGER });
  await pipeline(source.body, createDeflateRaw({ level }), discard(() => undefined));
  return (source.body as SourceBody).bytesReceived;
}

