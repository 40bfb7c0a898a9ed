/**
 * Stream mode. Two kinds of run, each in a fresh process:
 *
 *   npx tsx bench/stream.ts stack <bytes> <runs>
 *     The local stack in this process and bench/lib/source-server.ts in its
 *     own. A stream job of <bytes> in 64 MiB STORE files; then, per run, a
 *     whole download through the local API (first byte, throughput) paired
 *     with a raw copy of the same sources to the same client; and a 1 MiB
 *     range near the end once the job's CRCs are known.
 *
 *   npx tsx bench/stream.ts memory <bytes>
 *     What the Download function holds while it streams an archive of
 *     <bytes>: the stream-download use case over an in-memory bin, its body
 *     read and dropped; reports peak RSS (VmHWM).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probe } from '../lambdas/core/fetch';
import { pinEntries } from '../lambdas/core/jobs/stream-bin';
import type { Bin, Job, ZipRecord } from '../lambdas/core/jobs/model';
import { DEFAULT_PLAN } from '../lambdas/core/plans';
import { streamDownload } from '../lambdas/usecases/stream-download';
import { startLocalStack } from '../lib/local/local-stack';
import { log, median, report } from './lib/child';
import { MiB } from './lib/data';
import { startSourceServer } from './lib/source';

export interface StreamStackResult {
  bytes: number;
  zipBytes: number;
  files: number;
  /** Per run: the stream download's first byte, and both throughputs (MB/s). */
  ttfbMs: number[];
  streamMbps: number[];
  rawMbps: number[];
  /** A 1 MiB range ending 1 MiB before the end, CRCs known: whole response time. */
  rangeMs: number[];
}

export interface StreamMemoryResult {
  bytes: number;
  zipBytes: number;
  seconds: number;
  vmHwmBytes: number;
}

const FILE = 64 * MiB;
const fetchOptions = { allowPrivateAddresses: true, connectTimeoutMs: 10_000, headersTimeoutMs: 30_000, idleTimeoutMs: 30_000, userAgent: 'zipjobs-bench' };

function vmHwm(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.memoryUsage().rss;
}

/** Reads a response body to its end; returns bytes and the time of the first one. */
async function drain(res: Response, start: number): Promise<{ bytes: number; firstMs: number }> {
  let bytes = 0;
  let firstMs = NaN;
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    if (Number.isNaN(firstMs)) firstMs = performance.now() - start;
    bytes += chunk.length;
  }
  return { bytes, firstMs };
}

const urlsFor = (base: string, bytes: number) => Array.from({ length: Math.ceil(bytes / FILE) }, (_, i) => `${base}/random/${Math.min(FILE, bytes - i * FILE) + i}`);

async function stackRun(bytes: number, runs: number): Promise<StreamStackResult> {
  process.env.ZIPJOBS_QUIET = 'true';
  const source = await startSourceServer();
  const dataDir = mkdtempSync(join(tmpdir(), 'zipjobs-bench-stream-'));
  const stack = await startLocalStack({ port: 0, apiKey: 'bench-key', dataDir, allowPrivateAddresses: true });
  try {
    const headers = { 'X-API-Key': stack.apiKey, 'Content-Type': 'application/json' };
    const urls = urlsFor(source.url, bytes);
    const created = await fetch(`${stack.url}/jobs`, { method: 'POST', headers, body: JSON.stringify({ files: urls.map((url) => ({ url })), mode: 'stream', compression: 'store' }) });
    const { job_id } = (await created.json()) as { job_id: string };
    let job: { status: string; zip_size: number; download_url: string };
    for (;;) {
      const body = (await (await fetch(`${stack.url}/jobs/${job_id}`, { headers })).json()) as { job?: typeof job } & typeof job;
      job = body.job ?? body;
      if (job.status === 'completed') break;
      if (job.status === 'failed') throw new Error(`stream job failed: ${JSON.stringify(job)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    log(`stream job of ${urls.length} files, ${job.zip_size} bytes`);
    const result: StreamStackResult = { bytes, zipBytes: job.zip_size, files: urls.length, ttfbMs: [], streamMbps: [], rawMbps: [], rangeMs: [] };
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const streamed = await drain(await fetch(job.download_url), t0);
      const streamSeconds = (performance.now() - t0) / 1000;
      if (streamed.bytes !== job.zip_size) throw new Error(`stream download sent ${streamed.bytes} of ${job.zip_size} bytes`);
      const r0 = performance.now();
      let raw = 0;
      for (const url of urls) raw += (await drain(await fetch(url), r0)).bytes;
      const rawSeconds = (performance.now() - r0) / 1000;
      result.ttfbMs.push(streamed.firstMs);
      result.streamMbps.push(streamed.bytes / 1e6 / streamSeconds);
      result.rawMbps.push(raw / 1e6 / rawSeconds);
      log(`run ${i + 1}: first byte ${streamed.firstMs.toFixed(0)} ms; stream ${(streamed.bytes / 1e6 / streamSeconds).toFixed(0)} MB/s, raw ${(raw / 1e6 / rawSeconds).toFixed(0)} MB/s`);
    }
    // The whole downloads above taught the job every CRC: a range near the end reads only its own bytes.
    for (let i = 0; i < Math.max(5, runs); i++) {
      const start = job.zip_size - 2 * MiB;
      const t0 = performance.now();
      const res = await fetch(job.download_url, { headers: { Range: `bytes=${start}-${start + MiB - 1}` } });
      const got = await drain(res, t0);
      if (res.status !== 206 || got.bytes !== MiB) throw new Error(`range answered ${res.status} with ${got.bytes} bytes`);
      result.rangeMs.push(performance.now() - t0);
    }
    log(`range near the end: ${result.rangeMs.map((ms) => ms.toFixed(0)).join(', ')} ms (median ${median(result.rangeMs).toFixed(0)})`);
    return result;
  } finally {
    await stack.stepFunctions.idle();
    await stack.close();
    source.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function memoryRun(bytes: number): Promise<StreamMemoryResult> {
  const source = await startSourceServer();
  try {
    const urls = urlsFor(source.url, bytes);
    const job = { id: 'bench', tenant_id: 'bench', created_at: new Date(0).toISOString(), options: { compression: 'store' }, plan: 'standard' } as unknown as Job;
    const probed = await Promise.all(urls.map((url) => probe(url, fetchOptions)));
    const entries = pinEntries(
      job,
      probed.map((r, index) => ({
        index,
        url: urls[index]!,
        filename: null,
        outcome: { ok: true as const, size: r.size!, accepts_ranges: r.acceptsRanges, ...(r.etag && { etag: r.etag }), ...(r.lastModified && { last_modified: r.lastModified }) },
      })),
    );
    const bin: Bin = { zip_id: 'zip_1', sequence: 1, filename: 'bench.zip', entries };
    const objects = new Map<string, unknown>([['bin', bin]]);
    const blobs = {
      getJson: async <T>(key: string) => objects.get(key) as T,
      findJson: async <T>(key: string) => objects.get(key) as T | undefined,
      putJson: async (key: string, value: unknown) => void objects.set(key, JSON.parse(JSON.stringify(value))),
    };
    const zip = { id: 'zip_1', filename: 'bench.zip', bin_key: 'bin' } as ZipRecord;
    const deps = { blobs, planOf: () => DEFAULT_PLAN, fetch: fetchOptions, now: () => new Date() };
    const t0 = performance.now();
    const answer = await streamDownload(deps, job, zip, { method: 'GET' });
    let sent = 0;
    for await (const chunk of answer.body!) sent += chunk.length;
    const seconds = (performance.now() - t0) / 1000;
    if (String(sent) !== answer.headers['Content-Length']) throw new Error(`sent ${sent}, announced ${answer.headers['Content-Length']}`);
    log(`${(sent / 2 ** 30).toFixed(2)} GiB streamed in ${seconds.toFixed(1)} s; VmHWM ${(vmHwm() / 1e6).toFixed(0)} MB`);
    return { bytes, zipBytes: sent, seconds, vmHwmBytes: vmHwm() };
  } finally {
    source.stop();
  }
}

const [mode, a, b] = process.argv.slice(2);
report(() => (mode === 'memory' ? memoryRun(Number(a)) : stackRun(Number(a), Number(b ?? 3))));
