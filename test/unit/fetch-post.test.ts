import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchError, postOnce, type PostOptions } from '../../lambdas/core/fetch';

let server: Server;
let base = '';
const seen: { method?: string; headers: IncomingMessage['headers']; body: string }[] = [];
const routes: Record<string, (res: ServerResponse) => void> = {
  '/ok': (res) => res.writeHead(200).end('fine'),
  '/redirect': (res) => res.writeHead(307, { Location: '/ok' }).end(),
  '/busy': (res) => res.writeHead(503, { 'Retry-After': '120' }).end(),
  '/slow': () => undefined, // never answers
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      routes[req.url ?? '']?.(res);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((ok) => server.close(() => ok()));
});

const options = (extra: Partial<PostOptions> = {}): PostOptions => ({
  allowPrivateAddresses: true,
  connectTimeoutMs: 1000,
  headersTimeoutMs: 1000,
  timeoutMs: 2000,
  userAgent: 'zipjobs-test',
  ...extra,
});

describe('postOnce', () => {
  it('POSTs the body with its headers and a Content-Length, and returns the status', async () => {
    const body = JSON.stringify({ type: 'job.completed', name: 'café' });
    const result = await postOnce(`${base}/ok`, body, { 'content-type': 'application/json', 'webhook-id': 'msg_1' }, options());
    expect(result).toEqual({ status: 200 });
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ method: 'POST', body });
    expect(last.headers).toMatchObject({ 'content-type': 'application/json', 'webhook-id': 'msg_1', 'user-agent': 'zipjobs-test' });
    expect(Number(last.headers['content-length'])).toBe(Buffer.byteLength(body));
  });

  it('does not follow redirects', async () => {
    const before = seen.length;
    expect(await postOnce(`${base}/redirect`, '{}', {}, options())).toEqual({ status: 307 });
    expect(seen.length).toBe(before + 1);
  });

  it('reports Retry-After', async () => {
    expect(await postOnce(`${base}/busy`, '{}', {}, options())).toEqual({ status: 503, retryAfterMs: 120_000 });
  });

  it('times out a receiver that never answers', async () => {
    const error = await postOnce(`${base}/slow`, '{}', {}, options({ timeoutMs: 300, headersTimeoutMs: 5000 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FetchError);
    expect((error as FetchError).kind).toBe('timeout');
  });

  it('refuses private addresses unless allowed, before connecting', async () => {
    const before = seen.length;
    const error = await postOnce(`${base}/ok`, '{}', {}, options({ allowPrivateAddresses: false })).catch((e: unknown) => e);
    expect((error as FetchError).kind).toBe('blocked');
    const named = await postOnce('https://hooks.example/', '{}', {}, {
      ...options({ allowPrivateAddresses: false }),
      lookup: async () => [{ address: '10.0.0.5', family: 4 }],
    }).catch((e: unknown) => e);
    expect((named as FetchError).kind).toBe('blocked');
    expect(seen.length).toBe(before);
  });
});
