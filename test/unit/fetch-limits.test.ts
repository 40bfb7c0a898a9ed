import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FetchError, openSource, type OpenOptions } from '../../lambdas/core/fetch';

/** openSource limits: timeouts, sizes, range resume, abort. */

// --- local servers -----------------------------------------------------------

interface TestServer {
  port: number;
  url: (path?: string) => string;
  requests: IncomingMessage[];
}
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestServer> {
  const requests: IncomingMessage[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req);
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))));
  const port = (server.address() as AddressInfo).port;
  return { port, url: (path = '/') => `http://127.0.0.1:${port}${path}`, requests };
}

/** A server that writes raw bytes, for responses Node's own server would not send. */
async function serveRaw(onRequest: (socket: net.Socket) => void): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('data', () => onRequest(socket));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => (sockets.forEach((s) => s.destroy()), server.close(() => r()))));
  return (server.address() as AddressInfo).port;
}

const options = (extra: Partial<OpenOptions> = {}): OpenOptions => ({
  allowPrivateAddresses: true,
  connectTimeoutMs: 2000,
  headersTimeoutMs: 2000,
  idleTimeoutMs: 2000,
  maxBytes: 10_000_000,
  userAgent: 'zipjobs-test',
  ...extra,
});

async function readAll(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

async function fetchError(p: Promise<unknown>): Promise<FetchError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FetchError);
  return err as FetchError;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// --- tests ---------------------------------------------------------------------

describe('openSource: timeouts', () => {
  it('connect timeout (covering DNS)', async () => {
    const lookup = () => new Promise<never>(() => undefined);
    const err = await fetchError(openSource('http://slow-dns.example/', options({ lookup, connectTimeoutMs: 100 })));
    expect(err).toMatchObject({ message: 'timeout', retryable: true });
  });

  it('headers timeout', async () => {
    const s = await serve(() => undefined); // accepts, never answers
    const started = Date.now();
    const err = await fetchError(openSource(s.url(), options({ headersTimeoutMs: 150 })));
    expect(err).toMatchObject({ message: 'timeout', retryable: true });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('idle timeout: no body bytes for idleTimeoutMs', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('first bytes'); // then stalls
    });
    const src = await openSource(s.url(), options({ idleTimeoutMs: 150 }));
    const err = await fetchError(readAll(src.body));
    expect(err).toMatchObject({ message: 'timeout', retryable: true });
  });

  it('a slow but steady body is not idle', async () => {
    // 720 ms in all, longer than the idle limit; each gap far shorter than it, even with the event loop held up.
    const s = await serve(async (_req, res) => {
      for (let i = 0; i < 12; i++) {
        res.write('x');
        await sleep(60);
      }
      res.end();
    });
    const src = await openSource(s.url(), options({ idleTimeoutMs: 500 }));
    expect((await readAll(src.body)).toString()).toBe('x'.repeat(12));
  });

  /** A byte every `everyMs`, never idle long enough for the idle timeout. */
  const trickle = (everyMs: number) =>
    serve(async (_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      for (let i = 0; i < 1000 && !res.destroyed; i++) {
        res.write('x');
        await sleep(everyMs);
      }
      res.end();
    });

  // The idle limit is far away in these two, so that only the limit under test can end the body.
  it('a trickle under the minimum rate is a timeout at the end of its window, not retried', async () => {
    const s = await trickle(40);
    const src = await openSource(s.url(), options({ idleTimeoutMs: 5000, minRate: { minBytesPerSecond: 100, windowMs: 300 } }));
    const started = Date.now();
    const err = await fetchError(readAll(src.body));
    expect(err).toMatchObject({ kind: 'timeout', message: 'timeout', retryable: false });
    // The trickle would last 40 s: the rate's window ended it, well before the idle limit could.
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a body over its time limit is a timeout, however steady', async () => {
    const s = await trickle(10);
    const src = await openSource(s.url(), options({ idleTimeoutMs: 5000, maxDurationMs: 300 }));
    const err = await fetchError(readAll(src.body));
    expect(err).toMatchObject({ kind: 'timeout', message: 'timeout', retryable: false });
  });

  it('time our consumer spends not reading does not count against the rate', async () => {
    const body = Buffer.alloc(128 * 1024, 1);
    const s = await serve((_req, res) => res.end(body));
    const src = await openSource(s.url(), options({ minRate: { minBytesPerSecond: 1_000_000, windowMs: 100 } }));
    const chunks: Buffer[] = [];
    for await (const c of src.body as AsyncIterable<Buffer>) {
      chunks.push(c);
      await sleep(100); // a slow consumer (≤ 64 KiB a 100 ms, under the rate by the clock): backpressure, not a slow source
    }
    expect(Buffer.concat(chunks).equals(body)).toBe(true);
  });
});

describe('openSource: sizes', () => {
  it('a body shorter than its Content-Length is an error', async () => {
    const port = await serveRaw((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345'));
    const src = await openSource(`http://127.0.0.1:${port}/`, options());
    const err = await fetchError(readAll(src.body));
    expect(err).toMatchObject({ message: 'connection failed: ECONNRESET', retryable: true });
  });

  it('a body longer than its Content-Length is an error', async () => {
    const port = await serveRaw((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello and more bytes'));
    const src = await openSource(`http://127.0.0.1:${port}/`, options());
    const err = await fetchError(readAll(src.body));
    expect(err).toMatchObject({ message: 'too large', retryable: false });
  });

  it('an exact Content-Length after a 100 Continue head is fine', async () => {
    const port = await serveRaw((socket) =>
      socket.end('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello'),
    );
    const src = await openSource(`http://127.0.0.1:${port}/`, options());
    expect((await readAll(src.body)).toString()).toBe('hello');
  });

  it('an announced length over maxBytes fails before the body is read', async () => {
    const s = await serve((_req, res) => res.writeHead(200, { 'content-length': '1001' }).end(Buffer.alloc(1001)));
    expect((await fetchError(openSource(s.url(), options({ maxBytes: 1000 })))).message).toBe('too large');
  });

  it('an unannounced body is cut off past maxBytes', async () => {
    const s = await serve((_req, res) => {
      res.write(Buffer.alloc(600));
      res.end(Buffer.alloc(600));
    });
    const src = await openSource(s.url(), options({ maxBytes: 1000 }));
    let delivered = 0;
    const err = await fetchError(
      (async () => {
        for await (const c of src.body) delivered += (c as Buffer).length;
      })(),
    );
    expect(err).toMatchObject({ message: 'too large', retryable: false });
    expect(delivered).toBeLessThanOrEqual(1000);
  });

  it('exactly maxBytes is fine', async () => {
    const s = await serve((_req, res) => res.end(Buffer.alloc(1000)));
    const src = await openSource(s.url(), options({ maxBytes: 1000 }));
    expect((await readAll(src.body)).length).toBe(1000);
  });
});

describe('openSource: range resume', () => {
  const data = Buffer.from('0123456789abcdefghij');
  function rangeServer(mode: 'honour' | 'ignore' | 'wrong-start' | '416') {
    return serve((req, res) => {
      const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      if (!m || mode === 'ignore') return res.writeHead(200, { 'content-length': data.length }).end(data);
      if (mode === '416') return res.writeHead(416, { 'content-range': `bytes */${data.length}` }).end();
      const start = Number(m[1]) + (mode === 'wrong-start' ? 1 : 0);
      res
        .writeHead(206, { 'content-range': `bytes ${start}-${data.length - 1}/${data.length}`, 'content-length': data.length - start })
        .end(data.subarray(start));
    });
  }

  it('sends Range (and If-Range) and streams from the offset', async () => {
    const s = await rangeServer('honour');
    const src = await openSource(s.url(), options({ rangeStart: 7, ifRange: '"v1"' }));
    expect(src).toMatchObject({ status: 206, contentLength: 13, totalSize: 20, acceptsRanges: true });
    expect((await readAll(src.body)).toString()).toBe('789abcdefghij');
    expect(s.requests[0]!.headers.range).toBe('bytes=7-');
    expect(s.requests[0]!.headers['if-range']).toBe('"v1"');
  });

  it('keeps the Range header across a redirect', async () => {
    const target = await rangeServer('honour');
    const s = await serve((_req, res) => res.writeHead(302, { location: target.url('/file') }).end());
    const src = await openSource(s.url(), options({ rangeStart: 10 }));
    expect((await readAll(src.body)).toString()).toBe('abcdefghij');
  });

  it.each(['ignore', 'wrong-start', '416'] as const)('server that does not honour it (%s): a typed error to restart from 0', async (mode) => {
    const s = await rangeServer(mode);
    const err = await fetchError(openSource(s.url(), options({ rangeStart: 7 })));
    expect(err.kind).toBe('range-not-honoured');
    expect(err.retryable).toBe(true);
  });

  it('maxBytes counts from the start of the resource', async () => {
    const s = await rangeServer('honour');
    expect((await fetchError(openSource(s.url(), options({ rangeStart: 7, maxBytes: 19 })))).message).toBe('too large');
    const ok = await openSource(s.url(), options({ rangeStart: 7, maxBytes: 20 }));
    expect((await readAll(ok.body)).length).toBe(13);
  });
});

describe('openSource: abort', () => {
  it('rejects with the signal reason before the headers', async () => {
    const s = await serve(() => undefined);
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('stop')), 50);
    await expect(openSource(s.url(), options({ signal: ac.signal }))).rejects.toThrow('stop');
  });

  it('rejects with the signal reason while DNS is pending', async () => {
    const ac = new AbortController();
    const lookup = () => new Promise<never>(() => undefined);
    setTimeout(() => ac.abort(new Error('stop')), 50);
    await expect(openSource('http://slow.example/', options({ lookup, signal: ac.signal }))).rejects.toThrow('stop');
  });

  it('fails the body with the signal reason mid-stream', async () => {
    const s = await serve((_req, res) => res.write('partial'));
    const ac = new AbortController();
    const src = await openSource(s.url(), options({ signal: ac.signal }));
    setTimeout(() => ac.abort(new Error('stop')), 50);
    await expect(readAll(src.body)).rejects.toThrow('stop');
  });

  it('a consumer that stops early releases the connection', async () => {
    let closed = false;
    const s = await serve((req, res) => {
      req.socket.on('close', () => (closed = true));
      res.write(Buffer.alloc(100_000));
    });
    const src = await openSource(s.url(), options());
    for await (const _ of src.body) break;
    for (let i = 0; i < 50 && !closed; i++) await sleep(10);
    expect(closed).toBe(true);
  });
});
