import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A source for jobs of tens of thousands of files, with no per-file set-up:
 * `GET /ok/<name>` answers the name's bytes (the query is ignored, so URLs
 * can be padded to any length), anything else `404`. Requests are counted,
 * not logged.
 */
export class BulkSource {
  private server?: Server;
  url = '';
  requests = 0;

  /** A URL of `length` characters (at least) for `/ok/<name>`, padded in the query. */
  okUrl(name: string, length = 0): string {
    const base = `${this.url}/ok/${name}`;
    return base.length >= length ? base : `${base}?pad=${'x'.repeat(length - base.length - 5)}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.requests++;
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (!path.startsWith('/ok/')) return void res.writeHead(404).end();
      const body = Buffer.from(decodeURIComponent(path.slice('/ok/'.length)));
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': body.length }).end(req.method === 'HEAD' ? undefined : body);
    });
    // Many short connections at once: a deep backlog, no keep-alive surprises.
    this.server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', 1024, resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
