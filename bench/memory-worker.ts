/**
 * Runs BuildZip once (argv: a JSON WorkerSpec) with nothing else in this
 * process, sampling RSS every 20 ms; reports the peak sampled and the
 * kernel's high-water mark (VmHWM), which misses no spike between samples.
 * With `budgetMs`, the run stops after about that long and saves a
 * checkpoint, as a Lambda invocation near its time limit does; the next
 * worker with the same `id` resumes from it.
 */
import { readFileSync } from 'node:fs';
import { report } from './lib/child';
import { discardingS3Client } from './lib/discard-s3';
import { buildZipJob, type BenchEntry, type Method } from './lib/build-zip-job';

export interface WorkerSpec {
  readonly endpoint: string;
  readonly method: Method;
  readonly entries: readonly BenchEntry[];
  readonly id?: string;
  readonly budgetMs?: number;
}

const spec = JSON.parse(process.argv[2]!) as WorkerSpec;

const vmHwmBytes = (): number => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN) * 1024;

report(async () => {
  const before = process.memoryUsage().rss;
  let peak = before;
  let samples = 0;
  let atPeak = process.memoryUsage();
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    if (m.rss > peak) {
      peak = m.rss;
      atPeak = m;
    }
    samples++;
  }, 20);
  const t0 = performance.now();
  const { done, key, size, bytesIn } = await buildZipJob(discardingS3Client(spec.endpoint), 'bench', spec.entries, spec.method, {
    ...(spec.id !== undefined && { id: spec.id }),
    ...(spec.budgetMs !== undefined && { budget: { stopAt: Date.now() + spec.budgetMs } }),
  });
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  return {
    rssBeforeBytes: before,
    peakSampledRssBytes: peak,
    /** Where the peak sample's memory was: V8 heap, and buffers outside it. */
    atPeak: { heapTotalBytes: atPeak.heapTotal, heapUsedBytes: atPeak.heapUsed, externalBytes: atPeak.external, arrayBuffersBytes: atPeak.arrayBuffers },
    vmHwmBytes: vmHwmBytes(),
    samples,
    done,
    key,
    zipBytes: size,
    sourceBytes: bytesIn,
    seconds,
  };
});
