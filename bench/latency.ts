/**
 * Benchmark 5: small-job latency in the local stack. Starts the stack in
 * this process (startLocalStack, as test/e2e/support/local-api.ts does), then
 * for each job: POST /jobs with 3 small files from a local server, and GET
 * /jobs/{id} every POLL_MS until it is completed. The first job also loads
 * every handler module, so it is reported apart from the measured ones.
 *
 *   npx tsx bench/latency.ts [jobs]
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack } from '../lib/local/local-stack';
import { log, report } from './lib/child';

export interface LatencyResult {
  jobs: number;
  pollMs: number;
  startSeconds: number;
  firstJobMs: number;
  jobMs: number[];
}

const jobs = Number(process.argv[2] ?? 10);
const POLL_MS = 10;

report(async (): Promise<LatencyResult> => {
  process.env.ZIPJOBS_QUIET = 'true';
  const files: Record<string, Buffer> = {
    '/report.txt': Buffer.from('quarterly numbers\n'.repeat(2000)),
    '/photo.jpg': randomBytes(300_000),
    '/notes.md': Buffer.from('notes ✓\n'.repeat(100)),
  };
  const source = createServer((req, res) => {
    const body = files[req.url ?? ''];
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Length': body.length }).end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((ok) => source.listen(0, '127.0.0.1', ok));
  const sourceUrl = `http://127.0.0.1:${(source.address() as AddressInfo).port}`;

  const dataDir = mkdtempSync(join(tmpdir(), 'zipjobs-bench-stack-'));
  const t0 = performance.now();
  const stack = await startLocalStack({ port: 0, apiKey: 'bench-key', dataDir, allowPrivateAddresses: true });
  const startSeconds = (performance.now() - t0) / 1000;
  const headers = { 'X-API-Key': stack.apiKey, 'Content-Type': 'application/json' };

  const oneJob = async (): Promise<number> => {
    const body = JSON.stringify({ files: Object.keys(files).map((path) => ({ url: `${sourceUrl}${path}` })) });
    const start = performance.now();
    const created = await fetch(`${stack.url}/jobs`, { method: 'POST', headers, body });
    const { job_id } = (await created.json()) as { job_id: string };
    if (created.status !== 201) throw new Error(`POST /jobs answered ${created.status}`);
    for (;;) {
      const res = await fetch(`${stack.url}/jobs/${job_id}`, { headers });
      const { job } = (await res.json()) as { job: { status: string; file_count: number } };
      if (job.status === 'completed') {
        if (job.file_count !== 3) throw new Error(`job completed with ${job.file_count} files`);
        return performance.now() - start;
      }
      if (job.status === 'failed') throw new Error(`job failed: ${JSON.stringify(job)}`);
      if (performance.now() - start > 60_000) throw new Error('job not completed after 60 s');
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  };

  try {
    const firstJobMs = await oneJob();
    log(`first job (handlers loading): ${firstJobMs.toFixed(0)} ms`);
    const jobMs: number[] = [];
    for (let i = 0; i < jobs; i++) jobMs.push(await oneJob());
    log(`${jobs} jobs: ${jobMs.map((ms) => ms.toFixed(0)).join(', ')} ms`);
    return { jobs, pollMs: POLL_MS, startSeconds, firstJobMs, jobMs };
  } finally {
    await stack.stepFunctions.idle();
    await stack.close();
    source.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
