/**
 * A discarding S3 stand-in over HTTP: just enough of the S3 API for BuildZip
 * through the SDK's S3Client (multipart create, upload part, complete, abort;
 * put, get, delete), for the memory benchmark, where a 5 GiB archive should
 * cost neither the disk nor the minutes s3rver would take.
 *
 * - Archive parts are hashed (SHA-256) and dropped. CompleteMultipartUpload
 *   answers an ETag made of the listed parts' hashes, in order, so two builds
 *   of the same archive can be compared byte for byte without keeping either.
 * - With `keep(key)` naming a file, the completed object is also written
 *   there, for independent ZIP readers to check.
 * - With `tail`, the bytes of each upload's two highest-numbered parts are
 *   kept too, and a completed object's last two parts given back: enough for
 *   a reader to check its central directory (names, sizes, CRC-32s) when the
 *   directory is smaller than a part, without keeping the archive.
 * - Other objects (BuildZip's checkpoints, a segment's held-back parts, a
 *   few MiB to a few hundred) are kept in memory, so a build can stop and
 *   resume, or be finished, in another process.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';
import { partSizeFor } from '../../lambdas/adapters/multipart-sink';

export interface CompletedObject {
  readonly size: number;
  readonly parts: number;
  /** SHA-256 of the parts' SHA-256 digests, in part order, with `-<parts>`. */
  readonly etag: string;
  /** Where `keep` had it written. */
  readonly file?: string;
  /** With `tail`: the object's last bytes (its last two parts, or the last one alone when the other was not kept). */
  readonly tail?: Buffer;
}

export interface DiscardingS3 {
  readonly endpoint: string;
  /** Body bytes received for archives (`zips/…`): UploadPart, and PutObject of a small one. */
  received(): number;
  /** UploadPart requests received. */
  partsReceived(): number;
  /** Body bytes of the other objects put (checkpoints, records, held-back parts). */
  keptBytes(): number;
  /** Multipart uploads completed so far, by key (the latest of each). */
  completed(key: string): CompletedObject | undefined;
  close(): Promise<void>;
}

export function discardingS3Client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'discard', secretAccessKey: 'discard' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/**
 * Where part n starts when every earlier part has MultipartSink's size for
 * its number: the file offset to write it at before CompleteMultipartUpload
 * says which parts make the object (checked there).
 */
function partOffset(n: number): number {
  let offset = 0;
  for (let k = 1; k < n; k++) offset += partSizeFor(k);
  return offset;
}

interface Upload {
  readonly key: string;
  readonly file?: number;
  readonly path?: string;
  readonly parts: Map<number, { size: number; sha256: Buffer }>;
  /** With `tail`: the bytes of the highest-numbered parts received so far. */
  readonly tail: Map<number, Buffer>;
}

/** Parts whose bytes `tail` keeps: the two highest-numbered of an upload (a retried part replaces itself). */
const TAIL_PARTS = 2;
const tailFloor = (upload: Upload) => [...upload.parts.keys()].sort((a, b) => b - a)[TAIL_PARTS - 1] ?? 0;

const xmlValues = (xml: string, tag: string) => [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map((m) => m[1]!);

export async function startDiscardingS3(options: { keep?: (key: string) => string | undefined; tail?: boolean } = {}): Promise<DiscardingS3> {
  let received = 0;
  let partsReceived = 0;
  let keptBytes = 0;
  let uploadCount = 0;
  const uploads = new Map<string, Upload>();
  const objects = new Map<string, Buffer>();
  const completed = new Map<string, CompletedObject>();

  /** Reads the body: buffered for small requests, hashed (and written to the upload's file) for parts. */
  const readBody = (req: IncomingMessage, part?: { upload: Upload; number: number }) =>
    new Promise<{ size: number; buffer?: Buffer; sha256?: Buffer }>((ok, fail) => {
      const chunks: Buffer[] = [];
      const hash = part && createHash('sha256');
      // A part's bytes are kept only while it may be among the upload's last.
      const keep = !part || (options.tail === true && part.number >= tailFloor(part.upload));
      let size = 0;
      let at = part?.upload.file !== undefined ? partOffset(part.number) : -1;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (keep) chunks.push(c);
        if (!hash) return;
        hash.update(c);
        if (at >= 0) at += writeSync(part!.upload.file!, c, 0, c.length, at);
      });
      req.on('error', fail);
      req.on('end', () => ok(hash ? { size, sha256: hash.digest(), ...(keep && { buffer: Buffer.concat(chunks) }) } : { size, buffer: Buffer.concat(chunks) }));
    });

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const key = decodeURIComponent(url.pathname.split('/').slice(2).join('/'));
    const uploadId = url.searchParams.get('uploadId');
    const partNumber = Number(url.searchParams.get('partNumber'));
    const upload = uploadId ? uploads.get(uploadId) : undefined;
    const xml = (s: string, status = 200): void =>
      void res.writeHead(status, { 'Content-Type': 'application/xml' }).end(`<?xml version="1.0" encoding="UTF-8"?>${s}`);
    const error = (status: number, code: string) => xml(`<Error><Code>${code}</Code><Message>${code}</Message></Error>`, status);

    const handle = async (): Promise<void> => {
      if (uploadId && !upload) return error(404, 'NoSuchUpload');
      if (req.method === 'PUT' && upload && partNumber > 0) {
        const body = await readBody(req, { upload, number: partNumber });
        received += body.size;
        partsReceived++;
        upload.parts.set(partNumber, { size: body.size, sha256: body.sha256! });
        if (body.buffer) upload.tail.set(partNumber, body.buffer);
        const floor = tailFloor(upload);
        for (const n of upload.tail.keys()) if (n < floor) upload.tail.delete(n);
        return void res.writeHead(200, { ETag: `"${body.sha256!.toString('hex')}"` }).end();
      }
      const body = await readBody(req);
      if (req.method === 'POST' && url.searchParams.has('uploads')) {
        const id = `u${++uploadCount}`;
        const path = options.keep?.(key);
        uploads.set(id, { key, parts: new Map(), tail: new Map(), ...(path !== undefined && { path, file: openSync(path, 'w') }) });
        return xml(`<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>${key}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`);
      }
      if (req.method === 'POST' && upload) {
        const numbers = xmlValues(body.buffer!.toString(), 'PartNumber').map(Number);
        const parts = numbers.map((n) => upload.parts.get(n));
        // The file holds the object only if the parts are 1..n with the sink's sizes (the last may be shorter).
        const contiguous = numbers.every((n, i) => n === i + 1 && (i === numbers.length - 1 || parts[i]?.size === partSizeFor(n)));
        if (parts.some((p) => p === undefined) || (upload.file !== undefined && !contiguous)) return error(400, 'InvalidPart');
        const etag = `${createHash('sha256')
          .update(Buffer.concat(parts.map((p) => p!.sha256)))
          .digest('hex')}-${parts.length}`;
        if (upload.file !== undefined) closeSync(upload.file);
        uploads.delete(uploadId!);
        const size = parts.reduce((sum, p) => sum + p!.size, 0);
        const lastTwo = numbers.slice(-TAIL_PARTS);
        const kept = lastTwo.every((n) => upload.tail.has(n)) ? lastTwo : lastTwo.slice(-1).filter((n) => upload.tail.has(n));
        const tail = kept.length > 0 ? Buffer.concat(kept.map((n) => upload.tail.get(n)!)) : undefined;
        completed.set(key, { size, parts: parts.length, etag, ...(upload.path !== undefined && { file: upload.path }), ...(tail && { tail }) });
        return xml(`<CompleteMultipartUploadResult><Bucket>b</Bucket><Key>${key}</Key><ETag>"${etag}"</ETag></CompleteMultipartUploadResult>`);
      }
      if (req.method === 'DELETE' && upload) {
        if (upload.file !== undefined) closeSync(upload.file);
        uploads.delete(uploadId!);
        return void res.writeHead(204).end();
      }
      if (req.method === 'POST' && url.searchParams.has('delete')) {
        for (const k of xmlValues(body.buffer!.toString(), 'Key')) objects.delete(k);
        return xml('<DeleteResult></DeleteResult>');
      }
      if (req.method === 'PUT') {
        if (key.startsWith('zips/')) received += body.size;
        else {
          objects.set(key, body.buffer!);
          keptBytes += body.size;
        }
        return void res.writeHead(200, { ETag: '"object"' }).end();
      }
      if (req.method === 'GET' || req.method === 'HEAD') {
        const object = objects.get(key);
        if (!object) return req.method === 'HEAD' ? void res.writeHead(404).end() : error(404, 'NoSuchKey');
        res.writeHead(200, { 'Content-Length': object.length, 'Content-Type': 'application/octet-stream' });
        return void res.end(req.method === 'GET' ? object : undefined);
      }
      if (req.method === 'DELETE') {
        objects.delete(key);
        return void res.writeHead(204).end();
      }
      console.error('discard-s3: unexpected', req.method, req.url);
      error(400, 'NotImplemented');
    };
    handle().catch((e: unknown) => {
      console.error('discard-s3:', e);
      if (!res.headersSent) error(500, 'InternalError');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received: () => received,
    partsReceived: () => partsReceived,
    keptBytes: () => keptBytes,
    completed: (key) => completed.get(key),
    close: () => {
      server.closeAllConnections();
      return new Promise((ok) => server.close(() => ok()));
    },
  };
}
