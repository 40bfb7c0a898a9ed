/**
 * Test fixtures for the ZIP writer: deterministic entry data, sources with
 * chosen chunking, fast-check arbitraries for entry sets, and a one-call
 * archive builder.
 */
import fc from 'fast-check';
import type { ZipMethod } from '../../lambdas/core/zip/layout';
import { ZipWriter, type EntryResult, type ZipEntryMeta } from '../../lambdas/core/zip/writer';
import { MemorySink } from './zip-sinks';

/** Deterministic bytes: xorshift noise (incompressible) or repeated words (compressible). */
export function patternBytes(seed: number, size: number, compressible = false): Buffer {
  const out = Buffer.allocUnsafe(size);
  if (compressible) {
    const words = Buffer.from(`lorem ${seed} ipsum dolor sit amet ${seed * 7} `);
    for (let i = 0; i < size; i++) out[i] = words[i % words.length]!;
    return out;
  }
  let x = (seed | 0) || 0x9e3779b9;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Splits `data` by cycling through `sizes` (views, no copies). */
export function* chunksOf(data: Uint8Array, sizes: readonly number[]): Generator<Uint8Array> {
  let pos = 0;
  for (let i = 0; pos < data.length; i++) {
    const n = Math.max(1, sizes[i % sizes.length]!);
    yield data.subarray(pos, pos + n);
    pos += n;
  }
}

/** The same chunks through an async generator, as a network source would deliver them. */
export async function* asyncChunksOf(data: Uint8Array, sizes: readonly number[]): AsyncGenerator<Uint8Array> {
  for (const c of chunksOf(data, sizes)) {
    await Promise.resolve();
    yield c;
  }
}

export interface EntrySpec {
  name: string;
  method: ZipMethod;
  size: number;
  /** Whether the writer is told the size in advance. */
  announce: boolean;
  seed: number;
  compressible: boolean;
  chunkSizes: number[];
  async: boolean;
}

export const MTIME = new Date('2025-03-04T05:06:08Z');

const nameChar = fc.constantFrom(
  ...'abcxyzABCXYZ0189-_ .'.split(''),
  'é', 'ß', 'ñ', 'Ω', 'ж', '日', '本', '😀', 'e\u0301', '中文',
);
const segment = fc.string({ unit: nameChar, minLength: 1, maxLength: 10 }).filter((s) => s !== '.' && s !== '..');
export const entryName = fc.array(segment, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/'));

export const entrySize = fc.oneof(
  { weight: 2, arbitrary: fc.constant(0) },
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 300 }) },
  { weight: 3, arbitrary: fc.integer({ min: 300, max: 200_000 }) },
);

export function entrySpec(methods: ZipMethod[] = ['store', 'deflate']): fc.Arbitrary<EntrySpec> {
  return fc.record({
    name: entryName,
    method: fc.constantFrom(...methods),
    size: entrySize,
    announce: fc.boolean(),
    seed: fc.integer({ min: 1, max: 0x7fffffff }),
    compressible: fc.boolean(),
    chunkSizes: fc.array(fc.integer({ min: 1, max: 70_000 }), { minLength: 1, maxLength: 4 }),
    async: fc.boolean(),
  });
}

/** Entry sets with unique names (duplicate names are legal ZIP but make readers' results ambiguous). */
export function entrySpecs(opts: { methods?: ZipMethod[]; maxLength?: number } = {}): fc.Arbitrary<EntrySpec[]> {
  return fc.uniqueArray(entrySpec(opts.methods), { selector: (e) => e.name, maxLength: opts.maxLength ?? 8 });
}

export const dataOf = (e: EntrySpec): Buffer => patternBytes(e.seed, e.size, e.compressible);

export function sourceOf(e: EntrySpec, data: Uint8Array = dataOf(e)): AsyncIterable<Uint8Array> | Iterable<Uint8Array> {
  return e.async ? asyncChunksOf(data, e.chunkSizes) : chunksOf(data, e.chunkSizes);
}

export function metaOf(e: EntrySpec): ZipEntryMeta {
  return { name: e.name, method: e.method, mtime: MTIME, ...(e.announce && { size: e.size }) };
}

/** Writes all entries in one go; returns the archive bytes and per-entry results. */
export async function buildZip(
  specs: EntrySpec[],
  opts: { patching: boolean; deflateLevel?: number },
): Promise<{ bytes: Buffer; total: number; results: EntryResult[] }> {
  const sink = new MemorySink({ patching: opts.patching });
  const writer = new ZipWriter(sink, { deflateLevel: opts.deflateLevel });
  const results: EntryResult[] = [];
  for (const e of specs) results.push(await writer.addEntry(metaOf(e), sourceOf(e)));
  const total = await writer.finish();
  return { bytes: sink.bytes(), total, results };
}
