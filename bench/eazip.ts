/**
 * Eazip's own auto-split example, end to end through the local stack: 1,000
 * photos, 3 GiB in all, `max_zip_size_bytes` 2 GiB (so two ZIPs, built at
 * once), from POST /jobs until GET /jobs/{id} says completed. The stack
 * (bench/lib/stack-server.ts) and the source (bench/lib/source-server.ts) run
 * each in a process of their own, apart from this client.
 *
 *   npx tsx bench/eazip.ts [runs] [rate]
 *
 * `rate` (bytes per second per connection, default unpaced) paces the source
 * as a network would. Eazip publishes 8 m 12 s for this job.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { log, report } from './lib/child';
import { GiB } from './lib/data';
import { startSourceServer, startStackServer } from './lib/source';

export interface EazipResult {
  files: number;
  sourceBytes: number;
  maxZipSizeBytes: number;
  rate: number;
  /** Per run: POST → completed, seconds. */
  seconds: number[];
  /** Per run: the ZIPs, as GET /jobs/{id} lists them. */
  zips: { files: number; bytes: number }[][];
  /** 1-minute load average before and after each run. */
  load: [number, number][];
}

const FILES = 1000;
const TOTAL = 3 * GiB;
const CAP = 2 * GiB;

/** 1,000 sizes spread over 1×–3× of the smallest (deterministic), summing to exactly 3 GiB. */
export function photoSizes(): number[] {
  const weights = Array.from({ length: FILES }, (_, i) => 1 + ((i * 2_654_435_761) % 1000) / 500);
  const sum = weights.reduce((a, b) => a + b, 0);
  const sizes = weights.map((w) => Math.floor((w / sum) * TOTAL));
  sizes[0]! += TOTAL - sizes.reduce((a, b) => a + b, 0);
  return sizes;
}

async function oneRun(stack: { url: string; apiKey: string }, source: string, rate: number): Promise<{ seconds: number; zips: { files: number; bytes: number }[] }> {
  const headers = { 'X-API-Key': stack.apiKey, 'Content-Type': 'application/json' };
  const files = photoSizes().map((size, i) => ({
    url: `${source}/random/${size}${rate > 0 ? `?rate=${rate}` : ''}`,
    filename: `photo-${String(i + 1).padStart(4, '0')}.jpg`,
  }));
  const body = JSON.stringify({ files, zip_filename: 'photos.zip', max_zip_size_bytes: CAP, split_strategy: 'preserve-order', fail_on_zip_error: true });
  const t0 = performance.now();
  const created = await fetch(`${stack.url}/jobs`, { method: 'POST', headers, body });
  const { job_id } = (await created.json()) as { job_id: string };
  if (created.status !== 201) throw new Error(`POST /jobs answered ${created.status}`);
  for (;;) {
    const res = await fetch(`${stack.url}/jobs/${job_id}`, { headers });
    const { job } = (await res.json()) as { job: { status: string; zips: { file_count: number; size: number }[] } };
    if (job.status === 'failed') throw new Error(`the job failed: ${JSON.stringify(job).slice(0, 500)}`);
    if (job.status === 'completed') return { seconds: (performance.now() - t0) / 1000, zips: job.zips.map((z) => ({ files: z.file_count, bytes: z.size })) };
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function run(runs: number, rate: number): Promise<EazipResult> {
  const source = await startSourceServer();
  const result: EazipResult = { files: FILES, sourceBytes: TOTAL, maxZipSizeBytes: CAP, rate, seconds: [], zips: [], load: [] };
  try {
    for (let i = 0; i < runs; i++) {
      // A fresh stack per run, as after `npm start`: its first job pays for the functions' cold starts.
      const dataDir = mkdtempSync(join(tmpdir(), 'zipjobs-bench-eazip-'));
      const stack = await startStackServer(dataDir);
      try {
        const before = loadavg()[0]!;
        const r = await oneRun(stack, source.url, rate);
        const after = loadavg()[0]!;
        result.seconds.push(r.seconds);
        result.zips.push(r.zips);
        result.load.push([before, after]);
        log(`run ${i + 1}: ${r.seconds.toFixed(1)} s (${((TOTAL / 1e6) / r.seconds).toFixed(0)} MB/s), ZIPs ${r.zips.map((z) => `${z.files} files ${(z.bytes / GiB).toFixed(2)} GiB`).join(' + ')}; load ${before.toFixed(2)} → ${after.toFixed(2)}`);
      } finally {
        stack.stop();
        // The stack closes on its own once told; give it a moment before its data goes.
        await new Promise((r) => setTimeout(r, 1000));
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
    return result;
  } finally {
    source.stop();
  }
}

const [runs, rate] = process.argv.slice(2);
report(() => run(Number(runs ?? 1), Number(rate ?? 0)));
