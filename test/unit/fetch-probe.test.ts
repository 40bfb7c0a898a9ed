import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FetchError, probe, type ProbeOptions } from '../../lambdas/core/fetch';

interface TestServer {
  url: (path?: string) => string;
  seen: string[]; // "METHOD range"
}
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestServer> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.headers.range ?? '-'}`);
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))));
  const port = (server.address() as AddressInfo).port;
  return { url: (path = '/') => `http://127.0.0.1:${port}${path}`, seen };
}

const options: ProbeOptions = {
  allowPrivateAddresses: true,
  connectTimeoutMs: 2000,
  headersTimeoutMs: 2000,
  userAgent: 'zipjobs-test',
};

describe('probe', () => {
  it('uses HEAD when it carries a length', async () => {
    const s = await serve((_req, res) =>
      res
        .writeHead(200, { 'content-length': '12345', 'accept-ranges': 'bytes', 'content-disposition': 'attachment; filename="a.bin"' })
        .end(),
    );
    expect(await probe(s.url(), options)).toEqual({ size: 12345, filename: 'a.bin', acceptsRanges: true });
    expect(s.seen).toEqual(['HEAD -']);
  });

  it.each([405, 501, 403])('falls back to a one-byte range GET when HEAD answers %i', async (status) => {
    const s = await serve((req, res) => {
      if (req.method === 'HEAD') return res.writeHead(status).end();
      res.writeHead(206, { 'content-range': 'bytes 0-0/987654321', 'content-length': '1' }).end('x');
    });
    expect(await probe(s.url(), options)).toEqual({ size: 987654321, acceptsRanges: true });
    expect(s.seen).toEqual(['HEAD -', 'GET bytes=0-0']);
  });

  it('falls back when HEAD has no length', async () => {
    const s = await serve((req, res) => {
      if (req.method === 'HEAD') return res.writeHead(200, { 'transfer-encoding': 'chunked' }).end();
      res.writeHead(206, { 'content-range': 'bytes 0-0/42', 'content-disposition': 'inline; filename=x.txt' }).end('x');
    });
    expect(await probe(s.url(), options)).toEqual({ size: 42, filename: 'x.txt', acceptsRanges: true });
  });

  it('takes the length of a 200 that ignored the range, without reading its body', async () => {
    const s = await serve((req, res) => {
      if (req.method === 'HEAD') return res.writeHead(405).end();
      res.writeHead(200, { 'content-length': String(50_000_000) });
      res.write(Buffer.alloc(65536)); // and never finishes
    });
    const started = Date.now();
    expect(await probe(s.url(), options)).toEqual({ size: 50_000_000, acceptsRanges: false });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('reports an unknown size when neither answer has one', async () => {
    const s = await serve((req, res) => {
      if (req.method === 'HEAD') return res.writeHead(405).end();
      res.writeHead(206, { 'content-range': 'bytes 0-0/*' }).end('x');
    });
    expect(await probe(s.url(), options)).toEqual({ acceptsRanges: true });
  });

  it('follows redirects for both requests', async () => {
    const s = await serve((req, res) => {
      if (req.url === '/start') return res.writeHead(302, { location: '/file' }).end();
      if (req.method === 'HEAD') return res.writeHead(405).end();
      res.writeHead(206, { 'content-range': 'bytes 0-0/7' }).end('x');
    });
    expect((await probe(s.url('/start'), options)).size).toBe(7);
  });

  it('a HEAD error other than "HEAD refused" is the answer', async () => {
    const s = await serve((_req, res) => res.writeHead(404).end());
    const err = await probe(s.url(), options).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FetchError);
    expect((err as FetchError).message).toBe('HTTP 404');
    expect(s.seen).toEqual(['HEAD -']);
  });

  it('the fallback GET error is reported when both fail', async () => {
    const s = await serve((req, res) => res.writeHead(req.method === 'HEAD' ? 405 : 503, { 'retry-after': '3' }).end());
    const err = (await probe(s.url(), options).catch((e: unknown) => e)) as FetchError;
    expect(err).toMatchObject({ message: 'HTTP 503', retryable: true, retryAfterMs: 3000 });
  });
});
