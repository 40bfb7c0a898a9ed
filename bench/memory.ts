/**
 * Benchmark 3: peak RSS of BuildZip building a 5 GiB archive (one STORE
 * entry, ZIP64), measured in a child process that runs only BuildZip. The
 * sink is MultipartSink over a discarding S3 stand-in (bench/lib/discard-s3.ts,
 * here, in this parent process): the archive is kept neither in memory nor
 * on disk, and s3rver would need 5 GiB of disk and minutes at its speed.
 * The worker is bundled like the Lambda functions and runs on plain Node (no
 * tsx loader in its heap), so its baseline is close to BuildZip's own.
 *
 *   npx tsx bench/memory.ts [bytes]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleLikeCdk } from './lib/bundle';
import { log, report, runChild } from './lib/child';
import { GiB } from './lib/data';
import { startDiscardingS3 } from './lib/discard-s3';
import { startSourceServer } from './lib/source';

export interface MemoryResult {
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

const bytes = Number(process.argv[2] ?? 5 * GiB);

report(async (): Promise<MemoryResult> => {
  const source = await startSourceServer();
  const s3 = await startDiscardingS3();
  const dir = mkdtempSync(join(tmpdir(), 'zipjobs-bench-memory-'));
  try {
    const worker = await bundleLikeCdk('bench/memory-worker.ts', dir);
    const r = await runChild<Omit<MemoryResult, 'uploadedBytes'>>(worker.file, [`${source.url}/random/${bytes}`, s3.endpoint, 'store']);
    log(`${(bytes / GiB).toFixed(1)} GiB: VmHWM ${(r.vmHwmBytes / 2 ** 20).toFixed(0)} MiB, ${r.seconds.toFixed(1)} s`);
    if (s3.received() !== r.zipBytes) throw new Error(`uploaded ${s3.received()} bytes of a ${r.zipBytes}-byte archive`);
    return { ...r, uploadedBytes: s3.received() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await s3.close();
    source.stop();
  }
});
