import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';

export interface FaultyFile {
  readonly body: Buffer;
  /** Fixed Last-Modified (entries' mtimes come from it). */
  readonly lastModified?: string;
  readonly etag?: string;
  /** Answer `Range: bytes=N-` with 206 (default true). */
  readonly ranges?: boolean;
  /** Send the body in chunks of this size, waiting `delayMs` between them (a slow source). */
  readonly chunkSize?: number;
  readonly delayMs?: number;
  /** The first N requests get this status (with Retry-After, if set) and no body. */
  readonly failFirst?: { readonly count: number; readonly status: number; readonly retryAfter?: string };
  /**
   * The first N GETs (HEADs send no body) reset the connection after this many body bytes;
   * with `when`, only the GETs it accepts count and are reset.
   */
  readonly resetAfter?: { readonly bytes: number; readonly count: number; readonly when?: (request: FaultRequest) => boolean };
  /** Send this many bytes, then stop sending (keep the connection open) on every request. */
  readonly stallAfter?: number;
  /** Announce this Content-Length, send the real body, then close. */
  readonly announcedLength?: number;
  /** Announce no length (chunked transfer encoding). */
  readonly chunked?: boolean;
}

export interface FaultRequest {
  readonly path: string;
  readonly range?: string;
  readonly ifRange?: string;
  readonly ifMatch?: string;
  readonly at: number;
}

/** A local source server whose files can be slow, fail, reset, stall or lie; it records every request. */
export class FaultServer {
  private readonly files = new Map<string, FaultyFile>();
  private readonly served = new Map<string, { requests: number; resettable: number }>();
  private readonly sockets = new Set<Socket>();
  readonly requests: FaultRequest[] = [];
  private server?: Server;
  url = '';

  set(path: string, file: FaultyFile): string {
    this.files.set(path, file);
    this.served.set(path, { requests: 0, resettable: 0 });
    return `${this.url}${path}`;
  }

  requestsFor(path: string): FaultRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((ok) => this.server!.listen(0, '127.0.0.1', () => ok()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((ok) => this.server?.close(() => ok()) ?? ok());
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const range = req.headers.range;
    const ifRange = req.headers['if-range'] as string | undefined;
    const ifMatch = req.headers['if-match'];
    const request: FaultRequest = { path, ...(range && { range }), ...(ifRange && { ifRange }), ...(ifMatch && { ifMatch }), at: Date.now() };
    this.requests.push(request);
    const file = this.files.get(path);
    const count = this.served.get(path);
    if (!file || !count) {
      res.writeHead(404).end();
      return;
    }
    count.requests++;
    if (file.failFirst && count.requests <= file.failFirst.count) {
      res.writeHead(file.failFirst.status, file.failFirst.retryAfter ? { 'Retry-After': file.failFirst.retryAfter } : {}).end();
      return;
    }
    if (ifMatch && ifMatch !== '*' && ifMatch !== file.etag) {
      res.writeHead(412).end();
      return;
    }
    const total = file.body.length;
    const headers: Record<string, string | number> = { 'Content-Type': 'application/octet-stream' };
    if (file.lastModified) headers['Last-Modified'] = file.lastModified;
    if (file.etag) headers.ETag = file.etag;
    const ranges = file.ranges ?? true;
    if (ranges) headers['Accept-Ranges'] = 'bytes';
    let start = 0;
    let end = total;
    let status = 200;
    const m = range ? /^bytes=(\d+)-(\d*)$/.exec(range) : null;
    const validatorOk = !ifRange || ifRange === file.etag || ifRange === file.lastModified;
    if (ranges && m && validatorOk && Number(m[1]) < total) {
      start = Number(m[1]);
      end = m[2] ? Math.min(total, Number(m[2]) + 1) : total;
      status = 206;
      headers['Content-Range'] = `bytes ${start}-${end - 1}/${total}`;
    }
    const body = file.body.subarray(start, end);
    if (!file.chunked) headers['Content-Length'] = file.announcedLength ?? body.length;
    res.writeHead(status, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const resettable = file.resetAfter !== undefined && (file.resetAfter.when?.(request) ?? true);
    if (resettable) count.resettable++;
    const resetAt = resettable && count.resettable <= file.resetAfter!.count ? file.resetAfter!.bytes : undefined;
    const stallAt = file.stallAfter;
    const chunk = file.chunkSize ?? 64 * 1024;
    for (let at = 0; at < body.length; ) {
      const limit = Math.min(resetAt ?? Infinity, stallAt ?? Infinity);
      const end = Math.min(body.length, at + chunk, limit > at ? limit : at + chunk);
      if (resetAt !== undefined && at >= resetAt) {
        res.socket?.resetAndDestroy();
        return;
      }
      if (stallAt !== undefined && at >= stallAt) return; // never ends; stop() tears it down
      const ok = res.write(body.subarray(at, end));
      at = end;
      if (!ok) await new Promise((r) => res.once('drain', r));
      if (res.destroyed) return;
      if (file.delayMs) await new Promise((r) => setTimeout(r, file.delayMs));
    }
    if (file.announcedLength !== undefined && file.announcedLength !== body.length) {
      res.socket?.destroy();
      return;
    }
    res.end();
  }
}
