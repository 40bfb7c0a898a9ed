/**
 * The benchmarks' source: a local HTTP server, run in its own process (`fork`
 * it; it sends `{ url }` over IPC once listening) so that serving bytes does
 * not compete with the pipeline under test for its event loop.
 *
 *   GET/HEAD /random/<bytes>   incompressible bytes (a 16 MiB random block, repeated)
 *   GET/HEAD /text/<bytes>     text (a 16 MiB generated text block, repeated)
 *   HEAD     /probe/<i>        a 200 with Content-Length only (Prepare's probing)
 *
 * `?rate=<bytes per second>` on /random or /text paces each response at that
 * rate, as a source across a network would send: a benchmark can then ask
 * whether a pipeline keeps up with its sources rather than which process
 * wins the machine's cores.
 *
 * Like a static file server, /random and /text send Last-Modified and a
 * strong ETag (one per server process), honour `Range: bytes=N-` and `bytes=N-M`
 * with `If-Range`, and answer 412 to an `If-Match` naming another ETag, so
 * BuildZip can resume an entry mid-file, a stream download can fetch just the
 * bytes a range needs, and a segment can read its ranges as the version pinned.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBlock, repeated, textBlock } from './data';

const instance = process.pid.toString(36);
const lastModified = new Date().toUTCString();

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

async function send(res: ServerResponse, block: Buffer, size: number, start: number, rate: number): Promise<void> {
  const t0 = performance.now();
  let sent = 0;
  for (const chunk of repeated(block, size - start, 256 * 1024, start)) {
    if (res.destroyed) return;
    if (rate > 0) {
      const ahead = (sent / rate) * 1000 - (performance.now() - t0);
      if (ahead > 1) await sleep(ahead);
      sent += chunk.length;
    }
    if (!res.write(chunk)) {
      await new Promise<void>((ok) => {
        const done = () => {
          res.off('drain', done).off('close', done);
          ok();
        };
        res.on('drain', done).on('close', done);
      });
    }
  }
  res.end();
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://source');
  const match = /^\/(random|text|probe)\/(\d+)$/.exec(url.pathname);
  const rate = Number(url.searchParams.get('rate') ?? 0);
  if (!match) return void res.writeHead(404).end();
  const [, kind, n] = match;
  if (kind === 'probe') {
    // A plausible spread of sizes: 1 KiB … ~64 MiB, deterministic per path.
    const size = 1024 + ((Number(n) * 2_654_435_761) % (64 * 1024 * 1024));
    return void res.writeHead(200, { 'Content-Length': size, 'Content-Type': 'application/octet-stream' }).end();
  }
  const size = Number(n);
  const etag = `"${kind}-${size}-${instance}"`;
  const headers = { 'Content-Type': kind === 'text' ? 'text/plain' : 'application/octet-stream', ETag: etag, 'Last-Modified': lastModified, 'Accept-Ranges': 'bytes' };
  const ifMatch = req.headers['if-match'];
  if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== etag) return void res.writeHead(412, headers).end();
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  const ifRange = req.headers['if-range'];
  const ranged = range !== null && (ifRange === undefined || ifRange === etag);
  const start = ranged ? Number(range[1]) : 0;
  const end = ranged && range[2] ? Math.min(size, Number(range[2]) + 1) : size;
  if (start >= size && start > 0) return void res.writeHead(416, { 'Content-Range': `bytes */${size}` }).end();
  if (ranged) res.writeHead(206, { ...headers, 'Content-Length': end - start, 'Content-Range': `bytes ${start}-${end - 1}/${size}` });
  else res.writeHead(200, { ...headers, 'Content-Length': size });
  if (req.method === 'HEAD') return void res.end();
  send(res, kind === 'text' ? textBlock() : randomBlock(), end, start, rate).catch(() => res.destroy());
});
server.keepAliveTimeout = 5_000;
randomBlock();
textBlock();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.send?.({ url: `http://127.0.0.1:${port}` });
});
process.on('disconnect', () => process.exit(0));
