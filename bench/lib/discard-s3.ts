/**
 * A discarding S3 stand-in over HTTP: just enough of the S3 API for
 * BuildZip through the SDK's S3Client (multipart create, upload part,
 * complete, abort; put; get answers NoSuchKey, so there is never a
 * checkpoint to resume from; batch delete), keeping no bytes. For the memory benchmark, where a 5 GiB
 * archive should cost neither disk nor the minutes s3rver would take.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';

export interface DiscardingS3 {
  readonly endpoint: string;
  /** Body bytes received for archives (`zips/…`): UploadPart, and PutObject of a small one. */
  received(): number;
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

export async function startDiscardingS3(): Promise<DiscardingS3> {
  let received = 0;
  let uploads = 0;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const key = url.pathname.split('/').slice(2).join('/');
    let body = 0;
    req.on('data', (c: Buffer) => (body += c.length));
    req.on('end', () => {
      const xml = (s: string) => res.writeHead(200, { 'Content-Type': 'application/xml' }).end(`<?xml version="1.0" encoding="UTF-8"?>${s}`);
      if (req.method === 'POST' && url.searchParams.has('uploads')) {
        return xml(`<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>${key}</Key><UploadId>u${++uploads}</UploadId></InitiateMultipartUploadResult>`);
      }
      if (req.method === 'POST' && url.searchParams.has('uploadId')) {
        return xml(`<CompleteMultipartUploadResult><Bucket>b</Bucket><Key>${key}</Key><ETag>"done"</ETag></CompleteMultipartUploadResult>`);
      }
      if (req.method === 'POST' && url.searchParams.has('delete')) return xml('<DeleteResult></DeleteResult>');
      if (req.method === 'GET') {
        return void res
          .writeHead(404, { 'Content-Type': 'application/xml' })
          .end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>none</Message></Error>');
      }
      if (req.method === 'PUT') {
        if (key.startsWith('zips/')) received += body;
        return void res.writeHead(200, { ETag: `"${url.searchParams.get('partNumber') ?? 'object'}"` }).end();
      }
      if (req.method === 'DELETE') return void res.writeHead(204).end();
      console.error('discard-s3: unexpected', req.method, req.url);
      res.writeHead(400).end();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received: () => received,
    close: () => {
      server.closeAllConnections();
      return new Promise((ok) => server.close(() => ok()));
    },
  };
}
