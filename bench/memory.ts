/**
 * Benchmark 3: peak RSS of BuildZip building a 5 GiB archive, measured in a
 * child process that runs only BuildZip; a 1 GiB archive first, to show the
 * peak does not grow with the archive. Then the 5 GiB archive once more,
 * built through checkpoints as Lambda invocations near their time limit
 * build it: a fresh process per run, each stopping after a time budget and
 * resuming from the checkpoint the last one saved.
 *
 * Each archive holds two STORE entries of 90% and 10% of its size: from
 * 4 GiB on, the first needs ZIP64 sizes and the second a ZIP64 offset. The
 * sink is MultipartSink over a discarding S3 stand-in (bench/lib/discard-s3.ts,
 * here, in this parent process), which hashes the parts and keeps no bytes
 * but the checkpoints. The one exception is the checkpointed archive, which
 * is written to a temporary file so that independent readers (Python's
 * zipfile, unzip, 7z) can test every entry's CRC; its hash must equal
 * the one-shot build's: stopping and resuming changes no byte.
 * The worker is bundled like the Lambda functions and runs on plain Node (no
 * tsx loader in its heap), so its baseline is close to BuildZip's own.
 *
 *   npx tsx bench/memory.ts [bytes …]   (default: 1 GiB, then 5 GiB)
 */
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkWith7z, checkWithPython, checkWithUnzip, haveTool } from '../test/support/zip-readers';
import type { BenchEntry } from './lib/build-zip-job';
import { bundleLikeCdk } from './lib/bundle';
import { log, report, runChild } from './lib/child';
import { GiB } from './lib/data';
import { startDiscardingS3, type CompletedObject } from './lib/discard-s3';
import { startSourceServer } from './lib/source';
import type { WorkerSpec } from './memory-worker';

/** What one worker process reports. */
interface WorkerRun {
  done: boolean;
  key: string;
  sourceBytes: number;
  zipBytes: number;
  seconds: number;
  rssBeforeBytes: number;
  peakSampledRssBytes: number;
  atPeak: { heapTotalBytes: number; heapUsedBytes: number; externalBytes: number; arrayBuffersBytes: number };
  vmHwmBytes: number;
  samples: number;
}

export interface MemoryRun extends Omit<WorkerRun, 'done' | 'key'> {
  entries: number;
  uploadedBytes: number;
  /** The stand-in's hash of the completed object (see CompletedObject.etag). */
  etag: string;
}

export interface ReaderCheck {
  reader: string;
  /** null: the reader is not installed here. */
  seconds: number | null;
}

export interface CheckpointedRun {
  zipBytes: number;
  /** The time budget each run had before it stopped and saved a checkpoint. */
  budgetMs: number;
  /** One per worker process, in order. */
  runs: { seconds: number; vmHwmBytes: number }[];
  /** From the first run's start to the last one's end, process starts included. */
  wallSeconds: number;
  etag: string;
  /** Byte for byte the one-shot build's archive (same hash of the same parts). */
  identicalToOneShot: boolean;
  readers: ReaderCheck[];
}

export interface MemoryResult {
  /** Smaller archive first, so that the peak can be seen not to grow with the archive. */
  runs: MemoryRun[];
  /** The largest archive again, through checkpoints. */
  checkpointed: CheckpointedRun;
}

/** Archive sizes, largest last. */
const sizes = process.argv.slice(2).map(Number);
if (sizes.length === 0) sizes.push(GiB, 5 * GiB);

/** Invocations the checkpointed build is cut into, about. */
const RUNS_THROUGH_CHECKPOINTS = 8;

const entriesFor = (base: string, bytes: number): BenchEntry[] => {
  const second = Math.floor(bytes / 10);
  return [
    { url: `${base}/random/${bytes - second}`, name: 'first.bin' },
    { url: `${base}/random/${second}`, name: 'second.bin' },
  ];
};

const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;

async function checkWithReaders(file: string): Promise<ReaderCheck[]> {
  const timed = async (reader: string, installed: boolean, check: () => Promise<unknown>): Promise<ReaderCheck> => {
    if (!installed) return { reader, seconds: null };
    const t0 = performance.now();
    await check();
    const seconds = (performance.now() - t0) / 1000;
    log(`  ${reader} accepts it (${seconds.toFixed(1)} s)`);
    return { reader, seconds };
  };
  return [
    await timed('Python zipfile (testzip)', haveTool('python3'), () => checkWithPython(file)),
    await timed('unzip -t', haveTool('unzip'), () => checkWithUnzip(file)),
    await timed('7z t', haveTool('7z'), () => checkWith7z(file)),
  ];
}

report(async (): Promise<MemoryResult> => {
  const dir = mkdtempSync(join(tmpdir(), 'zipjobs-bench-memory-'));
  const keptFile = join(dir, 'checkpointed.zip');
  const source = await startSourceServer();
  const s3 = await startDiscardingS3({ keep: (key) => (key.includes('/checkpointed-') ? keptFile : undefined) });
  try {
    const worker = await bundleLikeCdk('bench/memory-worker.ts', dir);
    const work = (spec: Omit<WorkerSpec, 'endpoint' | 'method'>) =>
      runChild<WorkerRun>(worker.file, [JSON.stringify({ ...spec, endpoint: s3.endpoint, method: 'store' } satisfies WorkerSpec)]);
    const completed = (key: string): CompletedObject => {
      const object = s3.completed(key);
      if (!object) throw new Error(`no archive was completed at ${key}`);
      return object;
    };

    const runs: MemoryRun[] = [];
    for (const bytes of sizes) {
      const entries = entriesFor(source.url, bytes);
      const before = s3.received();
      const { done: _done, key, ...r } = await work({ entries });
      const uploadedBytes = s3.received() - before;
      log(`${(bytes / GiB).toFixed(1)} GiB: VmHWM ${mb(r.vmHwmBytes)}, ${r.seconds.toFixed(1)} s`);
      if (uploadedBytes !== r.zipBytes || completed(key).size !== r.zipBytes) {
        throw new Error(`uploaded ${uploadedBytes} bytes (${completed(key).size} in the object) of a ${r.zipBytes}-byte archive`);
      }
      runs.push({ ...r, entries: entries.length, uploadedBytes, etag: completed(key).etag });
    }

    const oneShot = runs.at(-1)!;
    const free = statfsSync(dir);
    if (free.bavail * free.bsize < oneShot.zipBytes + GiB) throw new Error(`${dir} has no room for a ${mb(oneShot.zipBytes)} archive`);
    const budgetMs = Math.max(500, Math.round((oneShot.seconds * 1000) / RUNS_THROUGH_CHECKPOINTS));
    const id = `checkpointed-${process.pid}`;
    const pieces: CheckpointedRun['runs'] = [];
    const t0 = performance.now();
    for (let done = false; !done; ) {
      if (pieces.length >= RUNS_THROUGH_CHECKPOINTS * 4) throw new Error(`not done after ${pieces.length} runs`);
      const r = await work({ entries: entriesFor(source.url, sizes.at(-1)!), id, budgetMs });
      pieces.push({ seconds: r.seconds, vmHwmBytes: r.vmHwmBytes });
      done = r.done;
    }
    const wallSeconds = (performance.now() - t0) / 1000;
    const object = completed(`zips/${id}/zip_1.zip`);
    log(`${(object.size / GiB).toFixed(1)} GiB through ${pieces.length} runs of ${budgetMs} ms: ${wallSeconds.toFixed(1)} s, VmHWM ≤ ${mb(Math.max(...pieces.map((p) => p.vmHwmBytes)))}`);
    if (object.size !== oneShot.zipBytes) throw new Error(`checkpointed archive has ${object.size} bytes, one-shot ${oneShot.zipBytes}`);
    const readers = await checkWithReaders(keptFile);
    return {
      runs,
      checkpointed: {
        zipBytes: object.size,
        budgetMs,
        runs: pieces,
        wallSeconds,
        etag: object.etag,
        identicalToOneShot: object.etag === oneShot.etag,
        readers,
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await s3.close();
    source.stop();
  }
});
