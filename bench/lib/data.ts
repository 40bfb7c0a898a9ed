/**
 * The benchmarks' bytes, generated once per process and served as views (no
 * copies): an incompressible block and a text block (log lines). Both are
 * far longer than deflate's 32 KiB window, so repeating them does not make
 * the data any more compressible than fresh data of the same kind. Both are
 * the same in every process, so a benchmark knows what its source serves
 * (the CRC-32s an archive must hold) without reading it back.
 */
import { createCipheriv } from 'node:crypto';

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;

const BLOCK = 16 * MiB;

let random: Buffer | undefined;
let text: Buffer | undefined;

/** Incompressible and deterministic: an AES-256-CTR keystream under a fixed key. */
export function randomBlock(): Buffer {
  random ??= createCipheriv('aes-256-ctr', Buffer.alloc(32, 0x5a), Buffer.alloc(16)).update(Buffer.alloc(BLOCK));
  return random;
}

/**
 * Text: access-log lines (timestamp, level, request id, path, status,
 * duration, user), the kind of compressible file a ZIP service is often
 * handed (logs, CSV and JSON exports). Deflates to about 25% at level 1 and
 * 21% at level 6. Prose deflates to ~30% but about twice as slowly at
 * level 6; the writer-vs-zlib ratios hardly depend on the data.
 */
export function textBlock(): Buffer {
  if (text) return text;
  let seed = 0x2545f491;
  const next = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 0x100000000;
  };
  const pick = <T>(list: readonly T[], skew = 1): T => list[Math.floor(list.length * next() ** skew)]!;
  const paths = ['/api/v1/items', '/api/v1/users', '/api/v1/orders', '/health', '/api/v1/search', '/static/app.js', '/login'];
  const users = Array.from({ length: 300 }, (_, i) => `user${(i * 7919) % 10007}`);
  const levels = ['INFO', 'INFO', 'INFO', 'WARN', 'DEBUG', 'ERROR'];
  const out = Buffer.allocUnsafe(BLOCK);
  let pos = 0;
  let time = Date.parse('2025-01-01T00:00:00Z');
  while (pos < BLOCK) {
    time += Math.floor(next() * 50);
    const id = Math.floor(next() * 0xffffffff).toString(16).padStart(8, '0');
    const line =
      `${new Date(time).toISOString()} ${pick(levels)} req=${id} ${pick(paths, 2)}/${Math.floor(next() * 5000)} ` +
      `status=${next() < 0.9 ? 200 : 404} ms=${Math.floor(next() * next() * 900)} user=${pick(users, 2)}\n`;
    pos += out.write(line, pos, 'latin1');
  }
  text = out;
  return text;
}

/** `size` bytes of `block`, repeated, as views of at most `chunk` bytes. */
export function* repeated(block: Buffer, size: number, chunk = 64 * KiB, start = 0): Generator<Buffer> {
  let pos = start;
  const end = start + size;
  while (pos < end) {
    const at = pos % block.length;
    const n = Math.min(chunk, end - pos, block.length - at);
    yield block.subarray(at, at + n);
    pos += n;
  }
}
