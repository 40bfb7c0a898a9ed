import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { FetchError, openSource, type OpenOptions } from '../../lambdas/core/fetch';

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

describe('openSource: success', () => {
  it('streams the body and reports the response metadata', async () => {
    const s = await serve((req, res) => {
      res.writeHead(200, {
        'content-length': '11',
        'accept-ranges': 'bytes',
        'content-disposition': "attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.txt",
        etag: '"v1"',
      });
      res.end('hello world');
    });
    const src = await openSource(s.url('/a/b.txt?x=1'), options());
    expect(src).toMatchObject({
      url: s.url('/a/b.txt?x=1'),
      status: 200,
      contentLength: 11,
      totalSize: 11,
      filename: 'résumé.txt',
      acceptsRanges: true,
      etag: '"v1"',
    });
    expect((await readAll(src.body)).toString()).toBe('hello world');
    expect(s.requests[0]!.headers['user-agent']).toBe('zipjobs-test');
    expect(s.requests[0]!.headers['accept-encoding']).toBe('identity');
  });

  it('streams a chunked body of unknown length', async () => {
    const s = await serve((_req, res) => {
      res.write('a'.repeat(100_000));
      res.end('b');
    });
    const src = await openSource(s.url(), options());
    expect(src.contentLength).toBeUndefined();
    expect(src.acceptsRanges).toBe(false);
    expect((await readAll(src.body)).length).toBe(100_001);
  });

  it('keeps the original Host header and resolves the name exactly once per hop', async () => {
    const s = await serve((_req, res) => res.end('ok'));
    const calls: string[] = [];
    const lookup = async (host: string) => {
      calls.push(host);
      return [{ address: '127.0.0.1', family: 4 as const }];
    };
    const src = await openSource(`http://files.example:${s.port}/x`, options({ lookup }));
    await readAll(src.body);
    expect(s.requests[0]!.headers.host).toBe(`files.example:${s.port}`);
    expect(calls).toEqual(['files.example']);
  });

  it('sends the original host name as TLS SNI while connecting to the checked address', async () => {
    const seen: string[] = [];
    const server = tls.createServer({
      SNICallback: (name, cb) => {
        seen.push(name);
        cb(new Error('no certificate here'));
      },
    });
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => server.close(() => r())));
    const port = (server.address() as AddressInfo).port;
    const lookup = async () => [{ address: '127.0.0.1', family: 4 as const }];
    const err = await fetchError(openSource(`https://secure.example:${port}/`, options({ lookup })));
    expect(err.kind).toBe('connection');
    expect(seen).toEqual(['secure.example']);
  });

  it('does not count time our consumer spends not reading as server idleness', async () => {
    const s = await serve((_req, res) => res.end(Buffer.alloc(2_000_000, 1)));
    const src = await openSource(s.url(), options({ idleTimeoutMs: 100 }));
    const it = src.body[Symbol.asyncIterator]();
    await it.next();
    await sleep(300); // backpressure, well past the idle timeout
    let total = 0;
    for (let r = await it.next(); !r.done; r = await it.next()) total += (r.value as Buffer).length;
    expect(total).toBeGreaterThan(0);
  });
});

describe('openSource: redirects', () => {
  async function chain(length: number) {
    return serve((req, res) => {
      const n = Number(req.url!.slice(1));
      if (n >= length) return res.end(`end ${n}`);
      // Alternate relative and absolute Location headers.
      const next = n % 2 === 0 ? `/${n + 1}` : `http://127.0.0.1:${(req.socket.address() as AddressInfo).port}/${n + 1}`;
      res.writeHead(n % 3 === 0 ? 302 : n % 3 === 1 ? 301 : 307, { location: next }).end('moved');
    });
  }

  it('follows 5 redirects (relative and absolute) and reports the final URL', async () => {
    const s = await chain(5);
    const src = await openSource(s.url('/0'), options());
    expect((await readAll(src.body)).toString()).toBe('end 5');
    expect(src.url).toBe(s.url('/5'));
    expect(s.requests).toHaveLength(6);
  });

  it('fails the 6th redirect with "too many redirects"', async () => {
    const s = await chain(6);
    const err = await fetchError(openSource(s.url('/0'), options()));
    expect(err.message).toBe('too many redirects');
    expect(err.retryable).toBe(false);
    expect(s.requests).toHaveLength(6);
  });

  it('honours maxRedirects', async () => {
    const s = await chain(2);
    expect((await fetchError(openSource(s.url('/0'), options({ maxRedirects: 1 })))).message).toBe('too many redirects');
  });

  it('resolves a relative Location against the current URL, including ../', async () => {
    const s = await serve((req, res) => {
      if (req.url === '/a/b/c') return res.writeHead(303, { location: '../d?q=1' }).end();
      res.end(req.url);
    });
    const src = await openSource(s.url('/a/b/c'), options());
    expect((await readAll(src.body)).toString()).toBe('/a/d?q=1');
  });

  it('refuses a redirect to a non-http protocol', async () => {
    const s = await serve((_req, res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end());
    expect((await fetchError(openSource(s.url(), options()))).message).toBe('unsupported protocol');
  });

  it('treats a redirect status without Location as the final answer', async () => {
    const s = await serve((_req, res) => res.writeHead(302).end());
    expect((await fetchError(openSource(s.url(), options()))).message).toBe('HTTP 302');
  });
});

describe('openSource: HTTP and connection errors', () => {
  it.each([
    [404, false],
    [403, false],
    [410, false],
    [500, true],
    [502, true],
    [429, true],
  ])('HTTP %i → retryable=%s', async (status, retryable) => {
    const s = await serve((_req, res) => res.writeHead(status).end('nope'));
    const err = await fetchError(openSource(s.url(), options()));
    expect(err).toMatchObject({ message: `HTTP ${status}`, kind: 'http', status, retryable });
  });

  it('reads Retry-After as seconds, or as a date against the response Date', async () => {
    const s = await serve((req, res) => {
      if (req.url === '/secs') return res.writeHead(429, { 'retry-after': '7' }).end();
      res.writeHead(503, { date: 'Wed, 22 Apr 2026 10:00:00 GMT', 'retry-after': 'Wed, 22 Apr 2026 10:01:30 GMT' }).end();
    });
    expect((await fetchError(openSource(s.url('/secs'), options()))).retryAfterMs).toBe(7000);
    expect((await fetchError(openSource(s.url('/date'), options()))).retryAfterMs).toBe(90_000);
  });

  it('connection refused', async () => {
    const s = await serve(() => undefined);
    const port = s.port;
    await cleanups.pop()!();
    const err = await fetchError(openSource(`http://127.0.0.1:${port}/`, options()));
    expect(err).toMatchObject({ message: 'connection failed: ECONNREFUSED', retryable: true });
  });

  it('DNS failure', async () => {
    const lookup = async () => {
      throw Object.assign(new Error('nope'), { code: 'ENOTFOUND' });
    };
    const err = await fetchError(openSource('http://nowhere.example/', options({ lookup })));
    expect(err).toMatchObject({ message: 'connection failed: ENOTFOUND', retryable: false });
  });

  it('a reset in the middle of the body', async () => {
    const port = await serveRaw((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789');
      setTimeout(() => socket.resetAndDestroy(), 50);
    });
    const src = await openSource(`http://127.0.0.1:${port}/`, options());
    const err = await fetchError(readAll(src.body));
    expect(err).toMatchObject({ message: 'connection failed: ECONNRESET', retryable: true });
  });

  it.each(['not a url', '/relative/path', 'http://', 'http://exa mple.com/'])('invalid URL %j', async (url) => {
    expect((await fetchError(openSource(url, options()))).message).toBe('invalid URL');
  });

  it.each(['ftp://example.com/a', 'file:///etc/passwd', 'gopher://x/', 'data:text/plain,hi', 'javascript:alert(1)'])(
    'unsupported protocol %s',
    async (url) => {
      const err = await fetchError(openSource(url, options()));
      expect(err).toMatchObject({ message: 'unsupported protocol', retryable: false });
    },
  );
});
