/**
 * Runs BuildZip once (argv: source URL, S3 endpoint) with nothing else in
 * this process, sampling RSS every 20 ms; reports the peak sampled and the
 * kernel's high-water mark (VmHWM), which misses no spike between samples.
 */
import { readFileSync } from 'node:fs';
import { report } from './lib/child';
import { discardingS3Client } from './lib/discard-s3';
import { buildZipJob } from './lib/pipelines';

const [url, endpoint, method] = process.argv.slice(2) as [string, string, 'store' | 'deflate'];

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
  const { size, bytesIn } = await buildZipJob(discardingS3Client(endpoint), 'bench', url, method);
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
    zipBytes: size,
    sourceBytes: bytesIn,
    seconds,
  };
});
