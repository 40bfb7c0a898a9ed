import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SourceFile {
  readonly body: Buffer;
  readonly contentType?: string;
  /** Sent as Content-Disposition. */
  readonly disposition?: string;
  /** Answer with this status and no body instead. */
  readonly status?: number;
}

/** A local HTTP server the tests' jobs fetch their sources from. */
export class SourceServer {
  private readonly files = new Map<string, SourceFile>();
  readonly requests: string[] = [];
  private server?: Server;
  url = '';

  set(path: string, file: SourceFile): string {
    this.files.set(path, file);
    return `${this.url}${path}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const { pathname, search } = new URL(req.url ?? '/', 'http://x');
      const path = pathname + search;
      this.requests.push(`${req.method} ${path}`);
      const file = this.files.get(path);
      if (!file) {
        res.writeHead(404).end('not found');
        return;
      }
      if (file.status) {
        res.writeHead(file.status).end();
        return;
      }
      const headers: Record<string, string | number> = {
        'Content-Length': file.body.length,
        'Content-Type': file.contentType ?? 'application/octet-stream',
        'Accept-Ranges': 'bytes',
      };
      if (file.disposition) headers['Content-Disposition'] = file.disposition;
      const range = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers.range ?? ''));
      if (range) {
        const start = Number(range[1]);
        const end = range[2] ? Number(range[2]) : file.body.length - 1;
        const slice = file.body.subarray(start, end + 1);
        res.writeHead(206, { ...headers, 'Content-Length': slice.length, 'Content-Range': `bytes ${start}-${end}/${file.body.length}` });
        res.end(req.method === 'HEAD' ? undefined : slice);
        return;
      }
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : file.body);
    });
    await new Promise<void>((ok) => this.server!.listen(0, '127.0.0.1', ok));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((ok) => this.server!.close(() => ok()));
  }
}
