/**
 * Benchmark 3: peak RSS of BuildZip building a 5 GiB archive (one STORE
 * entry, ZIP64), measured in a child process that runs only BuildZip; a
 * 1 GiB archive first, to show the peak does not grow with the archive. The
 * sink is MultipartSink over a discarding S3 stand-in (bench/lib/discard-s3.ts,
 * here, in this parent process): the archive is kept neither in memory nor
 * on disk, and s3rver would need 5 GiB of disk and minutes at its speed.
 * The worker is bundled like the Lambda functions and runs on plain Node (no
 * tsx loader in its heap), so its baseline is close to BuildZip's own.
 *
 *   npx tsx bench/memory.ts [bytes …]   (default: 1 GiB, then 5 GiB)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleLikeCdk } from './lib/bundle';
import { log, report, runChild } from './lib/child';
import { GiB } from './lib/data';
import { startDiscardingS3 } from './lib/discard-s3';
import { startSourceServer } from './lib/source';

export interface MemoryRun {
  sourceBytes: number;
  zipBytes: number;
  uploadedBytes: number;
  seconds: number;
  rssBeforeBytes: number;
  peakSampledRssBytes: number;
  atPeak: { heapTotalBytes: number; heapUsedBytes: number; externalBytes: number; arrayBuffersBytes: number };
  vmHwmBytes: number;
  samples: number;
}

export interface MemoryResult {
  /** Smaller archive first, so that the peak can be seen not to grow with the archive. */
  runs: MemoryRun[];
}

/** Archive sizes, largest last. */
const sizes = process.argv.slice(2).map(Number);
if (sizes.length === 0) sizes.push(GiB, 5 * GiB);

report(async (): Promise<MemoryResult> => {
  const source = await startSourceServer();
  const s3 = await startDiscardingS3();
  const dir = mkdtempSync(join(tmpdir(), 'zipjobs-bench-memory-'));
  try {
    const worker = await bundleLikeCdk('bench/memory-worker.ts', dir);
    const runs: MemoryRun[] = [];
    for (const bytes of sizes) {
      const before = s3.received();
      const r = await runChild<Omit<MemoryRun, 'uploadedBytes'>>(worker.file, [`${source.url}/random/${bytes}`, s3.endpoint, 'store']);
      const uploadedBytes = s3.received() - before;
      log(`${(bytes / GiB).toFixed(1)} GiB: VmHWM ${(r.vmHwmBytes / 1e6).toFixed(0)} MB, ${r.seconds.toFixed(1)} s`);
      if (uploadedBytes !== r.zipBytes) throw new Error(`uploaded ${uploadedBytes} bytes of a ${r.zipBytes}-byte archive`);
      runs.push({ ...r, uploadedBytes });
    }
    return { runs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await s3.close();
    source.stop();
  }
});
