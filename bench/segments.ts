/**
 * A ZIP built in segments (group `segments`): one archive (2 GiB by default) of STORE
 * entries of known sizes, built as one and in 2, 4 and 8 segments, each
 * step in a process of its own as Lambda runs each invocation: PlanZip
 * (which decides the segments), the segments at once, then FinishSegments;
 * with one segment PlanZip answers "as one" and BuildZip builds it. The
 * source (bench/lib/source-server.ts, its own process) serves at a fixed
 * rate per connection, as sources across a network do, so the machine's
 * two cores are not what limits the build; the S3 stand-in
 * (bench/lib/discard-s3.ts, this process) hashes and drops archive parts
 * and keeps the small objects the build reads back (plan, checkpoints,
 * held-back parts) and the archive's last two parts.
 *
 * Each archive is checked: its size is the planned one, and its central directory (read by yauzl from the last
 * parts) names every entry with its size, offset and the CRC-32 of the
 * bytes the source serves (deterministic, computed here); the archives
 * built in 2, 4 and 8 segments are byte for byte the same parts.
 *
 *   npx tsx bench/segments.ts [bytes] [rate] [counts]   (default: 2 GiB, 8 MB/s, 1,2,4,8)
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { s3BlobStore } from '../lambdas/adapters/blob-store';
import { probe } from '../lambdas/core/fetch/probe';
import type { Bin, Job } from '../lambdas/core/jobs/model';
import { exactLayout, pinEntries } from '../lambdas/core/jobs/stream-bin';
import { crc32Combine, segmentWork, type SegmentPlan, type StreamLayout } from '../lambdas/core/zip';
import { segmentKeys, segmentRun, type SegmentedZip } from '../lambdas/usecases/build-zip/segment-store';
import { FETCH } from './lib/build-zip-job';
import { bundleLikeCdk } from './lib/bundle';
import { log, report, runChild } from './lib/child';
import { GiB, MiB, randomBlock } from './lib/data';
import { discardingS3Client, startDiscardingS3 } from './lib/discard-s3';
import { startSourceServer } from './lib/source';
import type { SegmentsWorkerRun, SegmentsWorkerSpec } from './segments-worker';

/** One process: its step's own time, and the process's from fork to exit. */
export interface StepRun extends SegmentsWorkerRun {
  readonly processSeconds: number;
}

export interface SegmentRun extends StepRun {
  readonly index: number;
  readonly archiveBytes: number;
  /** Source bytes it read (its ranges). */
  readonly sourceBytes: number;
}

export interface SegmentsRun {
  /** Segments asked for (PlanZip's most); `segments.length` is what it planned (0: built as one). */
  readonly maxSegments: number;
  /** PlanZip's start to the ZIP's completion, process starts included. */
  readonly wallSeconds: number;
  readonly plan: StepRun;
  /** BuildZip, when PlanZip answered "as one". */
  readonly whole?: StepRun;
  readonly segments: SegmentRun[];
  readonly finish?: StepRun & { readonly partsUploaded: number; readonly bytesUploaded: number };
  /** Bytes of the objects the segments left for the finish step (results, held-back parts). */
  readonly heldBytes: number;
  /** CPU seconds of every process of the run: steps, the S3 stand-in (this process), the source. */
  readonly cpu: { readonly steps: number; readonly standIn: number; readonly source: number };
  readonly load: readonly [number, number];
  /** Size and entries are checked (the run throws otherwise); `uploaded` is every archive byte the stand-in received, retries included. */
  readonly check: { readonly size: number; readonly uploaded: number; readonly etag: string; readonly entriesChecked: number };
}

export interface SegmentsResult {
  readonly sourceBytes: number;
  readonly zipBytes: number;
  readonly files: number;
  /** Bytes per second per source connection. */
  readonly rate: number;
  readonly partSize: number;
  readonly runs: SegmentsRun[];
  /** The archives built in segments are the same parts byte for byte. */
  readonly segmentedIdentical: boolean;
  /** Every run uploaded each archive byte once (no part sent twice). */
  readonly uploadedOnce: boolean;
}

const PART_SIZE = 16 * MiB; // SEGMENT_PART_BYTES' default
const BUCKET = 'bench';

/**
 * A handful of big files with small ones between them (and an empty one),
 * `total` bytes in all, sizes not multiples of anything, so entries and
 * headers straddle parts and segment boundaries.
 */
export function fileSizes(total: number): { name: string; size: number }[] {
  const big = [0.3, 0.25, 0.2, 0.17].map((f) => Math.floor(total * f) + 4099);
  const smallTotal = total - big.reduce((a, b) => a + b, 0);
  const small = Array.from({ length: 16 }, (_, i) => Math.floor((smallTotal * (i + 1)) / 136) + 7 * i);
  small[15]! += total - big.reduce((a, b) => a + b, 0) - small.reduce((a, b) => a + b, 0);
  const files: { name: string; size: number }[] = [];
  big.forEach((size, b) => {
    files.push({ name: `video-${b + 1}.mp4`, size });
    for (let i = 4 * b; i < 4 * b + 4; i++) files.push({ name: `doc-${String(i + 1).padStart(2, '0')}.pdf`, size: small[i]! });
  });
  files.push({ name: 'empty.txt', size: 0 });
  return files;
}

/** The CRC-32 of the `size` bytes the source serves at /random/<size>: its block repeated, combined without reading them. */
export function servedCrc(size: number): number {
  const block = randomBlock();
  const blockCrc = crc32(block);
  let crc = 0;
  for (let at = 0; at + block.length <= size; at += block.length) crc = crc32Combine(crc, blockCrc, block.length);
  const rest = size % block.length;
  return rest > 0 ? crc32Combine(crc, crc32(block.subarray(0, rest)), rest) : crc;
}

/** Reads the central directory from an archive's last bytes (yauzl, through a reader that has only those). */
async function centralDirectory(tail: Buffer, size: number): Promise<yauzl.Entry[]> {
  const start = size - tail.length;
  class TailReader extends yauzl.RandomAccessReader {
    override _readStreamForRange(from: number, to: number): Readable {
      if (from < start) throw new Error(`the central directory reaches before the last parts (offset ${from})`);
      return Readable.from([tail.subarray(from - start, to - start)]);
    }
  }
  const zip = await yauzl.fromRandomAccessReaderPromise(new TailReader(), size, { lazyEntries: true, decodeStrings: true, strictFileNames: true });
  const entries: yauzl.Entry[] = [];
  try {
    for await (const entry of zip.eachEntry()) entries.push(entry);
  } finally {
    zip.close();
  }
  return entries;
}

/** Throws unless the directory lists the bin's entries, in order, stored, with the layout's sizes and offsets and the served bytes' CRC-32s. */
function checkEntries(entries: yauzl.Entry[], bin: Bin, layout: StreamLayout, crcs: readonly number[]): void {
  if (entries.length !== bin.entries.length) throw new Error(`the central directory lists ${entries.length} entries, not ${bin.entries.length}`);
  entries.forEach((e, i) => {
    const want = { name: bin.entries[i]!.stream!.name, method: 0, size: layout.entries[i]!.size, offset: layout.headerOffsets[i]!, crc: crcs[i]! };
    const got = { name: e.fileName, method: e.compressionMethod, size: e.uncompressedSize, offset: e.relativeOffsetOfLocalHeader, crc: e.crc32 };
    if (JSON.stringify(got) !== JSON.stringify(want) || e.compressedSize !== want.size) {
      throw new Error(`entry ${i}: the central directory says ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    }
  });
}

/** User + system CPU seconds of a process (Linux /proc). */
function processCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}
const CLOCK_TICKS = 100; // USER_HZ on Linux

async function run(total: number, rate: number, counts: readonly number[]): Promise<SegmentsResult> {
  const dir = mkdtempSync(join(tmpdir(), 'zipjobs-bench-segments-'));
  const source = await startSourceServer();
  const s3 = await startDiscardingS3({ tail: true });
  const client = discardingS3Client(s3.endpoint);
  const blobs = s3BlobStore(client, BUCKET);
  try {
    const worker = await bundleLikeCdk('bench/segments-worker.ts', dir);
    const createdAt = new Date().toISOString();
    const files = fileSizes(total);
    // Pinned as Prepare pins a stored job's files: probed (HEAD), their validators kept.
    const probed = await Promise.all(
      files.map(async (f, index) => {
        const url = `${source.url}/random/${f.size}?rate=${rate}`;
        const p = await probe(url, FETCH);
        if (p.size !== f.size) throw new Error(`${url}: probed size ${p.size}`);
        const outcome = { ok: true as const, size: f.size, accepts_ranges: p.acceptsRanges, ...(p.etag !== undefined && { etag: p.etag }), ...(p.lastModified !== undefined && { last_modified: p.lastModified }) };
        return { index, url, filename: f.name, outcome };
      }),
    );
    const job = { options: { compression: 'store' }, created_at: createdAt } as unknown as Job;
    const bin: Bin = { zip_id: 'zip_1', sequence: 1, filename: 'big.zip', entries: pinEntries(job, probed) };
    const layout = exactLayout(bin, { patched: true })!;
    const crcs = files.map((f) => servedCrc(f.size));
    log(`${files.length} files, ${(total / GiB).toFixed(2)} GiB → a ${(layout.total / GiB).toFixed(2)} GiB archive; source paced at ${(rate / 1e6).toFixed(0)} MB/s per connection`);

    const runs: SegmentsRun[] = [];
    for (const maxSegments of counts) {
      const jobId = `segments-${maxSegments}-${process.pid}`;
      const binKey = `bins/${jobId}/zip_1.json`;
      await blobs.putJson(binKey, bin);
      const limits = { partSize: PART_SIZE, minSegmentBytes: PART_SIZE, maxSegments };
      const step = async (spec: Pick<SegmentsWorkerSpec, 'step' | 'segment'>): Promise<StepRun> => {
        const t0 = performance.now();
        const full: SegmentsWorkerSpec = { ...spec, endpoint: s3.endpoint, bucket: BUCKET, jobId, createdAt, files: files.length, binKey, limits };
        const r = await runChild<SegmentsWorkerRun>(worker.file, [JSON.stringify(full)]);
        return { ...r, processSeconds: (performance.now() - t0) / 1000 };
      };
      const load0 = loadavg()[0]!;
      const cpu0 = { standIn: process.cpuUsage(), source: processCpuSeconds(source.pid) };
      const received0 = s3.received();
      const kept0 = s3.keptBytes();
      const t0 = performance.now();

      const plan = await step({ step: 'plan' });
      let whole: StepRun | undefined;
      let segments: SegmentRun[] = [];
      let finish: SegmentsRun['finish'];
      let heldBytes = 0;
      if (plan.segments!.length === 0) {
        whole = await step({ step: 'whole' });
      } else {
        const { plan: segmentPlan } = await blobs.getJson<SegmentedZip>(segmentKeys.plan(jobId, segmentRun('zip_1', 1)));
        segments = await Promise.all(plan.segments!.map(async (index) => ({ ...(await step({ step: 'segment', segment: index })), ...segmentSize(layout, segmentPlan, index) })));
        heldBytes = s3.keptBytes() - kept0;
        const parts0 = s3.partsReceived();
        const uploaded0 = s3.received();
        const f = await step({ step: 'finish' });
        finish = { ...f, partsUploaded: s3.partsReceived() - parts0, bytesUploaded: s3.received() - uploaded0 };
      }
      const wallSeconds = (performance.now() - t0) / 1000;
      const standIn = process.cpuUsage(cpu0.standIn);
      const steps = [plan, ...(whole ? [whole] : []), ...segments, ...(finish ? [finish] : [])];
      const cpu = { steps: steps.reduce((sum, s) => sum + s.cpuSeconds, 0), standIn: (standIn.user + standIn.system) / 1e6, source: processCpuSeconds(source.pid) - cpu0.source };
      const load: [number, number] = [load0, loadavg()[0]!];

      // The archive: the planned size, each byte uploaded once, the central directory as the source's bytes say.
      const key = `zips/${jobId}/zip_1.zip`;
      const object = s3.completed(key);
      const record = (finish ?? whole)!.zip;
      if (!object) throw new Error(`${maxSegments} segments: no archive was completed at ${key}`);
      if (object.size !== layout.total || record?.status !== 'completed' || record.size !== layout.total) {
        throw new Error(`${maxSegments} segments: the archive has ${object.size} bytes (record: ${JSON.stringify(record)}), ${layout.total} planned`);
      }
      // More than the archive: a part sent twice (a retry); reported, not fatal.
      const uploaded = s3.received() - received0;
      const entries = await centralDirectory(object.tail!, object.size);
      checkEntries(entries, bin, layout, crcs);

      const r: SegmentsRun = { maxSegments, wallSeconds, plan, ...(whole && { whole }), segments, ...(finish && { finish }), heldBytes, cpu, load, check: { size: object.size, uploaded, etag: object.etag, entriesChecked: entries.length } };
      runs.push(r);
      const cores = (cpu.steps + cpu.standIn + cpu.source) / wallSeconds;
      const detail = segments.length
        ? `${segments.length} segments (${Math.min(...segments.map((s) => s.processSeconds)).toFixed(1)}–${Math.max(...segments.map((s) => s.processSeconds)).toFixed(1)} s, ≤ ${(Math.max(...segments.map((s) => s.maxRssBytes)) / 1e6).toFixed(0)} MB RSS), finish ${finish!.processSeconds.toFixed(1)} s (${finish!.partsUploaded} parts)`
        : `as one (BuildZip ${whole!.processSeconds.toFixed(1)} s, ${(whole!.maxRssBytes / 1e6).toFixed(0)} MB RSS)`;
      log(`${maxSegments}: ${wallSeconds.toFixed(1)} s, ${detail}; CPU ${cores.toFixed(2)} cores; load ${load0.toFixed(2)} → ${load[1].toFixed(2)}; ${entries.length} entries' CRC-32s ✓`);
    }
    const segmented = runs.filter((r) => r.segments.length > 0).map((r) => r.check.etag);
    return { sourceBytes: total, zipBytes: layout.total, files: files.length, rate, partSize: PART_SIZE, runs, segmentedIdentical: segmented.every((e) => e === segmented[0]), uploadedOnce: runs.every((r) => r.check.uploaded === r.check.size) };
  } finally {
    client.destroy();
    await s3.close();
    source.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A segment's archive bytes, and the source bytes it reads. */
function segmentSize(layout: StreamLayout, plan: SegmentPlan, index: number): { index: number; archiveBytes: number; sourceBytes: number } {
  const segment = plan.segments[index]!;
  const reads = segmentWork(layout, plan, segment).reads;
  return { index, archiveBytes: segment.end - segment.start, sourceBytes: reads.reduce((sum, r) => sum + r.to - r.from, 0) };
}

const [bytes, rate, counts] = process.argv.slice(2);
report(() => run(Number(bytes ?? 2 * GiB), Number(rate ?? 8e6), (counts ?? '1,2,4,8').split(',').map(Number)));
