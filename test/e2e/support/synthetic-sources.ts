/**
 * A source server for split-job tests: files of any size generated on the
 * fly (a per-file header, then one shared random 1 MiB block at a per-file
 * rotation), so hundreds of MiB cost no memory, plus the server behaviours
 * probing must cope with: HEAD refused or without a length, Range ignored,
 * chunked bodies, and sources that send more than they announced.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readZipWithYauzl } from '../../support/zip-readers';

export interface SyntheticFile {
  readonly size: number;
  /** HEAD: `ok` (with Content-Length), `refused` (405), `no-length` (200 without one). Default `ok`. */
  readonly head?: 'ok' | 'refused' | 'no-length';
  /** Whether `Range` is honoured (default true). */
  readonly ranges?: boolean;
  /** GET without Content-Length (chunked). */
  readonly chunked?: boolean;
  /** The GET sends this many bytes more than `size` (HEAD and ranges still say `size`). */
  readonly extra?: number;
  /** HEAD answers after this long (to catch a job in `preparing`). */
  readonly headDelayMs?: number;
  readonly disposition?: string;
}

const BLOCK = randomBytes(1 << 20);
const HEADER = 64;

export class SyntheticSources {
  private readonly files = new Map<string, { file: SyntheticFile; seed: number }>();
  /** "METHOD /path" of every request, in arrival order. */
  readonly requests: string[] = [];
  private server?: Server;
  private seeds = 0;
  url = '';

  /** Serves `file` at `path`; returns its URL. Replacing a path keeps its bytes (same seed), so a test can change how it is served. */
  set(path: string, file: SyntheticFile): string {
    const seed = this.files.get(path)?.seed ?? ++this.seeds;
    this.files.set(path, { file, seed });
    return `${this.url}${path}`;
  }

  /** The bytes a GET of `path` sends, `extra` included. */
  bytes(path: string): Buffer {
    const { file, seed } = this.files.get(path)!;
    return Buffer.concat([...this.chunks(seed, 0, file.size + (file.extra ?? 0))]);
  }

  count(method: string, path: string): number {
    return this.requests.filter((r) => r === `${method} ${path}`).length;
  }

  /** Bytes [start, end) of file `seed`, as views of the shared block (no copies). */
  private *chunks(seed: number, start: number, end: number): Generator<Buffer> {
    let pos = start;
    if (pos < Math.min(end, HEADER)) {
      const header = Buffer.alloc(HEADER, 0x20);
      header.write(`synthetic file ${seed}\n`);
      yield header.subarray(pos, Math.min(end, HEADER));
      pos = Math.min(end, HEADER);
    }
    while (pos < end) {
      const at = (pos + seed * 104_729) % BLOCK.length;
      const n = Math.min(end - pos, BLOCK.length - at);
      yield BLOCK.subarray(at, at + n);
      pos += n;
    }
  }

  private async send(res: ServerResponse, seed: number, start: number, end: number): Promise<void> {
    for (const chunk of this.chunks(seed, start, end)) {
      if (!res.write(chunk)) await new Promise<void>((ok) => res.once('drain', ok));
      if (res.destroyed) return;
    }
    res.end();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    this.requests.push(`${req.method} ${path}`);
    const entry = this.files.get(path);
    if (!entry) return void res.writeHead(404).end();
    const { file, seed } = entry;
    const base: Record<string, string | number> = { 'Content-Type': 'application/octet-stream' };
    if (file.disposition) base['Content-Disposition'] = file.disposition;
    if (file.ranges !== false) base['Accept-Ranges'] = 'bytes';

    if (req.method === 'HEAD') {
      if (file.headDelayMs) await new Promise((r) => setTimeout(r, file.headDelayMs));
      if (file.head === 'refused') return void res.writeHead(405).end();
      return void res.writeHead(200, file.head === 'no-length' ? base : { ...base, 'Content-Length': file.size }).end();
    }
    const range = file.ranges !== false ? /^bytes=(\d+)-(\d*)$/.exec(String(req.headers.range ?? '')) : null;
    if (range) {
      const start = Number(range[1]);
      const end = Math.min(range[2] ? Number(range[2]) + 1 : file.size, file.size);
      res.writeHead(206, { ...base, 'Content-Length': end - start, 'Content-Range': `bytes ${start}-${end - 1}/${file.size}` });
      return this.send(res, seed, start, end);
    }
    const length = file.size + (file.extra ?? 0);
    res.writeHead(200, file.chunked ? base : { ...base, 'Content-Length': length });
    return this.send(res, seed, 0, length);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(() => res.destroy());
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

/** Reads a downloaded ZIP with yauzl and checks its entries, in order, byte for byte. */
export async function expectZipEntries(zip: Buffer, expected: readonly { name: string; bytes: Buffer }[]): Promise<void> {
  const entries = await readZipWithYauzl(zip);
  const names = entries.map((e) => e.name);
  if (JSON.stringify(names) !== JSON.stringify(expected.map((e) => e.name))) {
    throw new Error(`entries ${JSON.stringify(names)}, expected ${JSON.stringify(expected.map((e) => e.name))}`);
  }
  entries.forEach((e, i) => {
    if (!e.data.equals(expected[i]!.bytes)) throw new Error(`${e.name}: bytes differ from the source`);
  });
}
