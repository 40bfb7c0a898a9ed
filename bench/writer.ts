/**
 * The writer alone, ours vs archiver vs bare zlib, from memory into a sink
 * that discards (no network, no fetcher): the writer's own cost.
 *
 *   npx tsx bench/writer.ts [runs]
 *
 * - 1 GiB of incompressible data as one STORE entry;
 * - 10,000 × 10 KiB STORE entries (per-entry overhead);
 * - 64 MiB of text as one DEFLATE entry at levels 1 and 6, against a bare
 *   zlib deflateRaw stream of the same chunks at the same level.
 *
 * Sources yield 64 KiB views of one shared buffer (what a socket delivers);
 * cases are interleaved run by run. MB/s counts input bytes (10^6).
 */
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createDeflateRaw, crc32, deflateRawSync } from 'node:zlib';
import { ZipArchive } from 'archiver';
import { ZipWriter } from '../lambdas/core/zip/index';
import { log, report, settle } from './lib/child';
import { GiB, KiB, MiB, randomBlock, repeated, textBlock } from './lib/data';
import { nullSink } from './lib/pipelines';

export interface WriterResult {
  runs: number;
  crc32MBps: number;
  /** MB/s of each run, per case. */
  cases: Record<string, number[]>;
  /** Compressed/original size of the text at each level. */
  textRatio: Record<string, number>;
}

const runs = Number(process.argv[2] ?? 3);
const SMALL_COUNT = 10_000;
const SMALL_SIZE = 10 * KiB;
const TEXT_SIZE = 64 * MiB;
const mtime = new Date('2025-01-01T00:00:00Z');

const smallFiles = Array.from({ length: SMALL_COUNT }, (_, i) => {
  const at = (i * 4099) % (randomBlock().length - SMALL_SIZE);
  return randomBlock().subarray(at, at + SMALL_SIZE);
});

async function ours(add: (w: ZipWriter) => Promise<void>, level?: number): Promise<void> {
  const w = new ZipWriter(nullSink(), { deflateLevel: level });
  await add(w);
  await w.finish();
}

/** archiver into a discarding Writable; `fill` appends the entries. */
async function archiver(fill: (a: ZipArchive) => void, options: { store: boolean; level?: number }): Promise<void> {
  const archive = new ZipArchive({ store: options.store, zlib: { level: options.level ?? 6 } });
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  const done = pipeline(archive, sink);
  fill(archive);
  await archive.finalize();
  await done;
}

const discard = () => new Writable({ write: (_c, _e, cb) => cb() });

function cases(size: number, textSize: number): Record<string, { bytes: number; run: () => Promise<void> }> {
  const big = () => repeated(randomBlock(), size);
  const text = () => repeated(textBlock(), textSize);
  const out: Record<string, { bytes: number; run: () => Promise<void> }> = {
    'STORE 1 GiB: ours': { bytes: size, run: () => ours(async (w) => void (await w.addEntry({ name: 'big.bin', method: 'store', size, mtime }, big()))) },
    'STORE 1 GiB: archiver': {
      bytes: size,
      run: () => archiver((a) => a.append(Readable.from(big(), { objectMode: false }), { name: 'big.bin', date: mtime }), { store: true }),
    },
    'STORE 10,000 × 10 KiB: ours': {
      bytes: SMALL_COUNT * SMALL_SIZE,
      run: () =>
        ours(async (w) => {
          for (let i = 0; i < SMALL_COUNT; i++) {
            await w.addEntry({ name: `files/${i % 100}/f-${i}.bin`, method: 'store', size: SMALL_SIZE, mtime }, [smallFiles[i]!]);
          }
        }),
    },
    'STORE 10,000 × 10 KiB: archiver': {
      bytes: SMALL_COUNT * SMALL_SIZE,
      run: () => archiver((a) => smallFiles.forEach((data, i) => a.append(data, { name: `files/${i % 100}/f-${i}.bin`, date: mtime })), { store: true }),
    },
  };
  for (const level of [1, 6]) {
    out[`DEFLATE L${level} 64 MiB text: ours`] = {
      bytes: textSize,
      run: () => ours(async (w) => void (await w.addEntry({ name: 'a.txt', method: 'deflate', mtime }, text())), level),
    };
    out[`DEFLATE L${level} 64 MiB text: bare zlib`] = {
      bytes: textSize,
      run: () => pipeline(Readable.from(text(), { objectMode: false }), createDeflateRaw({ level }), discard()),
    };
    out[`DEFLATE L${level} 64 MiB text: archiver`] = {
      bytes: textSize,
      run: () => archiver((a) => a.append(Readable.from(text(), { objectMode: false }), { name: 'a.txt', date: mtime }), { store: false, level }),
    };
  }
  return out;
}

function crcMBps(size: number): number {
  const t0 = performance.now();
  let c = 0;
  for (const chunk of repeated(randomBlock(), size)) c = crc32(chunk, c);
  return size / 1e6 / ((performance.now() - t0) / 1000);
}

report(async (): Promise<WriterResult> => {
  textBlock();
  const sample = textBlock().subarray(0, 8 * MiB);
  const textRatio = Object.fromEntries([1, 6].map((level) => [`L${level}`, deflateRawSync(sample, { level }).length / sample.length]));

  // Warm-up: every case once at a small size, so the JIT is not timed.
  for (const c of Object.values(cases(64 * MiB, 8 * MiB))) await c.run();

  const all = cases(GiB, TEXT_SIZE);
  const names = Object.keys(all);
  const out: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + r) % names.length]!;
      settle();
      const t0 = performance.now();
      await all[name]!.run();
      const mbps = all[name]!.bytes / 1e6 / ((performance.now() - t0) / 1000);
      out[name]!.push(mbps);
      log(`writer run ${r + 1}/${runs}  ${name.padEnd(34)} ${mbps.toFixed(0).padStart(6)} MB/s`);
    }
  }
  return { runs, crc32MBps: crcMBps(GiB), cases: out, textRatio };
});
