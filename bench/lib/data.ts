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

/**
 * Prose-like text: words of 1–4 common English syllables from a 2,000-word
 * vocabulary, Zipf-distributed (as word frequencies are), with sentences,
 * commas and 76-column lines. Deflates to about 35% at level 1 and 30% at
 * level 6, like real prose or documentation, at a similar speed.
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
  const syllables = 'the an er in re on at en nd ti es or te of ed is it al ar st to nt ng se ha as ou io le ve co me de hi ri ro ic ne ea ra ce li ch ll be ma si om ur'.split(' ');
  const vocabulary = Array.from({ length: 2000 }, () => {
    let w = '';
    for (let n = 1 + Math.floor(next() * 3.2); n > 0; n--) w += syllables[Math.floor(syllables.length * next() ** 1.5)];
    return w;
  });
  const cumulative = new Float64Array(vocabulary.length);
  let total = 0;
  vocabulary.forEach((_, i) => (cumulative[i] = total += 1 / (i + 1)));
  const pick = (): string => {
    const r = next() * total;
    let lo = 0;
    let hi = vocabulary.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < r) lo = mid + 1;
      else hi = mid;
    }
    return vocabulary[lo]!;
  };
  const out = Buffer.allocUnsafe(BLOCK);
  let pos = 0;
  let column = 0;
  let capital = true;
  while (pos < BLOCK) {
    let word = pick();
    if (capital) word = word[0]!.toUpperCase() + word.slice(1);
    const r = next();
    capital = r < 0.07;
    const piece = word + (capital ? '. ' : r < 0.12 ? ', ' : ' ');
    if (column + piece.length > 76) {
      pos += out.write('\n', pos, 'latin1');
      column = 0;
    }
    pos += out.write(piece, pos, 'latin1');
    column += piece.length;
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
