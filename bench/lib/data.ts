/**
 * The benchmarks' bytes, generated once per process and served as views (no
 * copies): an incompressible block and an English-like text block. Both are
 * far longer than deflate's 32 KiB window, so repeating them does not make
 * the data any more compressible than fresh data of the same kind.
 */
import { randomBytes } from 'node:crypto';

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;

const BLOCK = 16 * MiB;

let random: Buffer | undefined;
let text: Buffer | undefined;

export function randomBlock(): Buffer {
  random ??= randomBytes(BLOCK);
  return random;
}

/** Words drawn from a skewed vocabulary, with punctuation and line breaks: deflates about 3:1 at level 6, like prose or logs. */
export function textBlock(): Buffer {
  if (text) return text;
  let seed = 0x2545f491;
  const next = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 0x100000000;
  };
  const letters = 'etaoinshrdlcumwfgypbvkjxqz';
  const vocabulary = Array.from({ length: 20_000 }, () => {
    const len = 2 + Math.floor(next() * next() * 10);
    let w = '';
    for (let i = 0; i < len; i++) w += letters[Math.floor(next() * next() * letters.length)];
    return w;
  });
  const out = Buffer.allocUnsafe(BLOCK);
  let pos = 0;
  let line = 0;
  while (pos < BLOCK) {
    // Zipf-like: low indexes are much more frequent.
    const word = vocabulary[Math.floor(vocabulary.length * next() ** 3)]!;
    const sep = next() < 0.08 ? '. ' : next() < 0.05 ? ', ' : ' ';
    line += word.length + sep.length;
    const piece = line > 72 ? `${word}\n` : word + sep;
    if (line > 72) line = 0;
    pos += out.write(piece, pos, 'latin1');
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
