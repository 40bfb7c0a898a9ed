/**
 * A tenant's own S3-compatible endpoint for the tests: a second s3rver (its
 * own port, folder and buckets) behind a small proxy that makes it behave
 * like a foreign service. The proxy
 * - accepts only this endpoint's own access key (s3rver checks signatures,
 *   but its key registry is shared by every instance in the process);
 * - holds R2's multipart rules: every part but the last the same size, the
 *   last no larger, and no checksum headers (R2 refuses some and any request
 *   with more than one; this stand-in refuses them all);
 * - answers AbortMultipartUpload, which s3rver lacks, and keeps count of
 *   uploads created, completed and aborted;
 * - can refuse writes to a bucket (AccessDenied) from the start or after
 *   some writes have gone through, and fail one part's uploads a number of
 *   times (500 InternalError, a fault that passes).
 */
import { createHash, createHmac } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, type DeleteObjectCommand } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

const { DUMMY_ACCOUNT } = createRequire(import.meta.url)('s3rver/lib/models/account.js') as {
  DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void };
};

interface Upload {
  readonly bucket: string;
  readonly key: string;
  readonly parts: Map<number, number>;
  state: 'open' | 'completed' | 'aborted';
}

function s3Error(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'Content-Type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`);
}

/**
 * An error answered once the request's body has been read. Answering while a
 * client still sends a body (a 10 MiB part, after the 100 Continue Node's
 * server sends by itself) breaks the connection under it (EPIPE), and the
 * client sees that instead of the error, which no S3 does.
 */
async function s3ErrorAfterBody(req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string): Promise<void> {
  if (!req.readableEnded) {
    const ended = once(req, 'end');
    req.resume();
    await ended;
  }
  s3Error(res, status, code, message);
}

export class ForeignS3 {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  private s3rver?: S3rver;
  private proxy?: Server;
  private dir?: string;
  private target = 0;
  private port = 0;
  readonly uploads = new Map<string, Upload>();
  private readonly refusing = new Map<string, number>(); // bucket → writes still allowed
  private readonly failing = new Map<string, number>(); // "bucket#part" → uploads of that part still to fail
  /** UploadPart requests answered with a fault, per "bucket#part". */
  readonly partFaults = new Map<string, number>();

  constructor(
    private readonly buckets: readonly string[],
    name = 'r2',
  ) {
    this.accessKeyId = `${name.toUpperCase()}-E2E-KEY`;
    this.secretAccessKey = `${name}-e2e-secret`;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Writes to `bucket` answer AccessDenied once `after` more writes have gone through. */
  refuseWrites(bucket: string, after = 0): void {
    this.refusing.set(bucket, after);
  }

  /** The next `times` uploads of part `part` to `bucket` (in any upload) answer 500 InternalError. */
  failPart(bucket: string, part: number, times: number): void {
    this.failing.set(`${bucket}#${part}`, times);
  }

  allowWrites(bucket: string): void {
    this.refusing.delete(bucket);
  }

  /** Multipart uploads created and neither completed nor aborted. */
  openUploads(bucket: string): Upload[] {
    return [...this.uploads.values()].filter((u) => u.bucket === bucket && u.state === 'open');
  }

  /** A client with this endpoint's own keys, to read back what was written. */
  client(): S3Client {
    return new S3Client({
      endpoint: this.endpoint,
      forcePathStyle: true,
      region: 'auto',
      credentials: { accessKeyId: this.accessKeyId, secretAccessKey: this.secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  /** Sends one command with this endpoint's own keys (a test putting or deleting objects). */
  async send(command: PutObjectCommand | DeleteObjectCommand): Promise<void> {
    const client = this.client();
    try {
      if (command instanceof PutObjectCommand) await client.send(command);
      else await client.send(command);
    } finally {
      client.destroy();
    }
  }

  async getObject(bucket: string, key: string): Promise<Buffer> {
    const client = this.client();
    try {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return Buffer.from(await out.Body!.transformToByteArray());
    } finally {
      client.destroy();
    }
  }

  async listKeys(bucket: string): Promise<string[]> {
    const client = this.client();
    try {
      const out = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
      return (out.Contents ?? []).map((o) => o.Key!).sort();
    } finally {
      client.destroy();
    }
  }

  async start(): Promise<void> {
    DUMMY_ACCOUNT.createKeyPair(this.accessKeyId, this.secretAccessKey);
    this.dir = mkdtempSync(join(tmpdir(), 'zipjobs-foreign-s3-'));
    this.s3rver = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: this.dir, configureBuckets: this.buckets.map((name) => ({ name })) });
    this.target = (await this.s3rver.run()).port;
    this.proxy = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => s3Error(res, 500, 'InternalError', String(error)));
    });
    await new Promise<void>((ok) => this.proxy!.listen(0, '127.0.0.1', ok));
    this.port = (this.proxy.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.proxy?.closeAllConnections();
    await new Promise<void>((ok) => (this.proxy ? this.proxy.close(() => ok()) : ok()));
    await this.s3rver?.close();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const refuse = (status: number, code: string, message: string) => s3ErrorAfterBody(req, res, status, code, message);
    const url = new URL(req.url ?? '/', 'http://x');
    const [, bucket = '', ...rest] = url.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    const credential = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? url.searchParams.get('X-Amz-Credential')?.split('/')[0];
    if (credential !== this.accessKeyId) return refuse(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
    // s3rver does not check SigV4 signatures: this endpoint does (header-signed requests; presigned URLs by key only).
    if (req.headers.authorization && !sigV4Matches(req, url, this.secretAccessKey)) return refuse(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
    const checksum = Object.keys(req.headers).find((h) => h.startsWith('x-amz-checksum-') || h === 'x-amz-sdk-checksum-algorithm');
    if (checksum) return refuse(400, 'NotImplemented', `Header ${checksum} is not supported`);

    const uploadId = url.searchParams.get('uploadId');
    const write = req.method === 'PUT' || req.method === 'POST';
    if (write && this.refusing.has(bucket)) {
      const left = this.refusing.get(bucket)!;
      if (left <= 0) return refuse(403, 'AccessDenied', 'Access Denied');
      this.refusing.set(bucket, left - 1);
    }
    const partNumber = url.searchParams.get('partNumber');
    const failing = `${bucket}#${partNumber}`;
    if (req.method === 'PUT' && uploadId && (this.failing.get(failing) ?? 0) > 0) {
      this.failing.set(failing, this.failing.get(failing)! - 1);
      this.partFaults.set(failing, (this.partFaults.get(failing) ?? 0) + 1);
      return refuse(500, 'InternalError', 'We encountered an internal error. Please try again.');
    }
    if (req.method === 'DELETE' && uploadId) {
      const upload = this.uploads.get(uploadId);
      if (!upload) return refuse(404, 'NoSuchUpload', 'The specified upload does not exist.');
      upload.state = 'aborted';
      res.writeHead(204).end();
      return;
    }
    if (req.method === 'PUT' && uploadId) {
      const upload = this.uploads.get(uploadId);
      if (upload) upload.parts.set(Number(partNumber), Number(req.headers['content-length'] ?? 0));
    }
    if (req.method === 'POST' && uploadId) {
      const upload = this.uploads.get(uploadId);
      const problem = upload && partSizeProblem(upload.parts);
      if (problem) return refuse(400, 'InvalidPart', problem);
    }
    const created = req.method === 'POST' && url.searchParams.has('uploads');
    const upstream = await this.forward(req);
    if (created && upstream.status === 200) {
      const id = /<UploadId>([^<]+)<\/UploadId>/.exec(upstream.body.toString('utf8'))?.[1];
      if (id) this.uploads.set(id, { bucket, key, parts: new Map(), state: 'open' });
    }
    if (req.method === 'POST' && uploadId && upstream.status === 200) {
      const upload = this.uploads.get(uploadId);
      if (upload) upload.state = 'completed';
    }
    res.writeHead(upstream.status, upstream.headers);
    res.end(upstream.body);
  }

  private forward(req: IncomingMessage): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const out = request({ host: '127.0.0.1', port: this.target, method: req.method, path: req.url, headers: req.headers }, (up) => {
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => resolve({ status: up.statusCode ?? 502, headers: up.headers, body: Buffer.concat(chunks) }));
        up.on('error', reject);
      });
      out.on('error', reject);
      req.pipe(out);
    });
  }
}

const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text, 'utf8').digest();
const rfc3986 = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Recomputes an `Authorization: AWS4-HMAC-SHA256 …` signature (the payload hash as the client declared it). */
function sigV4Matches(req: IncomingMessage, url: URL, secret: string): boolean {
  const auth = /^AWS4-HMAC-SHA256 Credential=([^,]+), ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)$/.exec(String(req.headers.authorization));
  if (!auth) return false;
  const [, credential, signedHeaders, signature] = auth as unknown as [string, string, string, string];
  const [, date, region, service] = credential.split('/');
  const query = [...url.searchParams.entries()].map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`).sort().join('&');
  const headers = signedHeaders.split(';').map((h) => `${h}:${String(req.headers[h] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const payload = String(req.headers['x-amz-content-sha256'] ?? 'UNSIGNED-PAYLOAD');
  const canonical = [req.method, url.pathname, query, headers, signedHeaders, payload].join('\n');
  const amzDate = String(req.headers['x-amz-date']);
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  let key = hmac(`AWS4${secret}`, date!);
  for (const part of [region!, service!, 'aws4_request']) key = hmac(key, part);
  return hmac(key, toSign).toString('hex') === signature;
}

/** R2's rule: parts 1..n-1 the same size, part n no larger (and numbered from 1 without gaps). */
export function partSizeProblem(parts: ReadonlyMap<number, number>): string | undefined {
  const numbers = [...parts.keys()].sort((a, b) => a - b);
  if (numbers.some((n, i) => n !== i + 1)) return `parts are not numbered 1..${numbers.length}`;
  const sizes = numbers.map((n) => parts.get(n)!);
  const first = sizes[0] ?? 0;
  if (sizes.slice(0, -1).some((s) => s !== first)) return `All non-trailing parts must have the same length (${sizes.join(', ')})`;
  if ((sizes.at(-1) ?? 0) > first) return 'the last part is larger than the others';
  return undefined;
}
