/**
 * ZIP writer throughput, ours vs archiver, in one run (`npx tsx bench/writer.ts`):
 * 1 GiB of incompressible data as one STORE entry, and 10,000 × 10 KiB STORE
 * entries, each into a sink that discards bytes. MB/s counts input bytes (1 MB = 10^6).
 * The data is generated once; every run re-yields views of the same buffer.
 */
import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import { ZipArchive } from 'archiver';
import { ZipWriter } from '../lambdas/core/zip/index';
import type { ZipSink } from '../lambdas/core/zip/sink';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const CHUNK = 64 * KiB;
const SMALL_COUNT = 10_000;
const SMALL_SIZE = 10 * KiB;
const mtime = new Date('2025-01-01T00:00:00Z');

const pool = randomBytes(16 * MiB);
const chunks = Array.from({ length: pool.length / CHUNK }, (_, i) => pool.subarray(i * CHUNK, (i + 1) * CHUNK));
const smallFiles = Array.from({ length: SMALL_COUNT }, (_, i) => {
  const at = (i * 4099) % (pool.length - SMALL_SIZE);
  return pool.subarray(at, at + SMALL_SIZE);
});

function* bigData(size: number): Generator<Buffer> {
  for (let i = 0; i < size / CHUNK; i++) yield chunks[i % chunks.length]!;
}

/** A patching sink that keeps nothing: our production path (no data descriptors) minus the I/O. */
function nullSink(): ZipSink & { bytes: number } {
  const sink = {
    bytes: 0,
    async write(chunk: Uint8Array) {
      sink.bytes += chunk.length;
    },
    patching: { hold() {}, async patch() {}, async truncate() {} },
  };
  return sink;
}

async function oursBig(size: number): Promise<number> {
  const w = new ZipWriter(nullSink());
  await w.addEntry({ name: 'big.bin', method: 'store', size, mtime }, bigData(size));
  return w.finish();
}

async function oursSmall(): Promise<number> {
  const w = new ZipWriter(nullSink());
  for (let i = 0; i < SMALL_COUNT; i++) {
    await w.addEntry({ name: `files/${i % 100}/f-${i}.bin`, method: 'store', size: SMALL_SIZE, mtime }, [smallFiles[i]!]);
  }
  return w.finish();
}

/** Runs archiver into a discarding Writable; `fill` appends the entries. */
async function archiver(fill: (a: ZipArchive) => void): Promise<number> {
  const archive = new ZipArchive({ store: true });
  let bytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      cb();
    },
  });
  archive.pipe(sink);
  fill(archive);
  await archive.finalize();
  await finished(sink);
  return bytes;
}

const archiverBig = (size: number): Promise<number> =>
  archiver((a) => a.append(Readable.from(bigData(size), { objectMode: false }), { name: 'big.bin', date: mtime }));

const archiverSmall = (): Promise<number> =>
  archiver((a) => smallFiles.forEach((data, i) => a.append(data, { name: `files/${i % 100}/f-${i}.bin`, date: mtime })));

async function measure(inputBytes: number, run: () => Promise<number>): Promise<{ mbps: number; seconds: number; out: number }> {
  const t0 = performance.now();
  const out = await run();
  const seconds = (performance.now() - t0) / 1000;
  return { mbps: inputBytes / 1e6 / seconds, seconds, out };
}

function crcCeiling(size: number): number {
  const t0 = performance.now();
  let c = 0;
  for (const chunk of bigData(size)) c = crc32(chunk, c);
  return size / 1e6 / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  // Warm up both code paths so the JIT does not count against either side.
  await oursBig(64 * MiB);
  await archiverBig(64 * MiB);

  const rows: [string, Awaited<ReturnType<typeof measure>>, Awaited<ReturnType<typeof measure>>][] = [];
  rows.push(['1 GiB STORE, 1 entry', await measure(GiB, () => oursBig(GiB)), await measure(GiB, () => archiverBig(GiB))]);
  const smallBytes = SMALL_COUNT * SMALL_SIZE;
  rows.push([`${SMALL_COUNT} × 10 KiB STORE`, await measure(smallBytes, oursSmall), await measure(smallBytes, archiverSmall)]);

  console.log(`Node ${process.version}; zlib.crc32 alone over 1 GiB: ${crcCeiling(GiB).toFixed(0)} MB/s`);
  console.log('case                      ours MB/s   archiver MB/s   ours/archiver');
  for (const [name, ours, theirs] of rows) {
    console.log(
      `${name.padEnd(26)}${ours.mbps.toFixed(0).padStart(9)}   ${theirs.mbps.toFixed(0).padStart(13)}   ${(ours.mbps / theirs.mbps).toFixed(2).padStart(13)}` +
        `   (${ours.seconds.toFixed(2)} s vs ${theirs.seconds.toFixed(2)} s)`,
    );
  }
  console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (16 MiB of it is the shared test data)`);
}

await main();
