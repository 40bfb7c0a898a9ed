/**
 * Stream mode. Two kinds of run, each in a fresh process:
 *
 *   npx tsx bench/stream.ts stack <bytes> <runs>
 *     The local stack (bench/lib/stack-server.ts), the source
 *     (bench/lib/source-server.ts) and this client each in a process of its
 *     own, as a deployed function, its sources and its client are apart. A
 *     stream job of <bytes> in 64 MiB STORE files; then, per run, a whole
 *     download through the local API (first byte, throughput) paired with a
 *     raw copy of the same sources to the same client; and a 1 MiB range near
 *     the end once the job's CRCs are known. Then the same pairs with the
 *     source paced at PACED_RATE per connection: with an unpaced source the
 *     three processes contend for the machine's cores (the stream path moves
 *     each byte through one more process than the raw copy does), with a
 *     paced one the question is whether the stream keeps up with its sources.
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
import { log, median, report } from './lib/child';
import { MiB } from './lib/data';
import { startSourceServer, startStackServer } from './lib/source';

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
  /** The same pairs with the source paced at `rate` bytes per second per connection. */
  paced: { rate: number; streamMbps: number[]; rawMbps: number[] };
}

export interface StreamMemoryResult {
  bytes: number;
  zipBytes: number;
  seconds: number;
  vmHwmBytes: number;
}

const FILE = 64 * MiB;
/** 50 MB/s per connection (400 Mbit/s): a fast source across a network. */
const PACED_RATE = 50e6;
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

const urlsFor = (base: string, bytes: number, rate = 0) =>
  Array.from({ length: Math.ceil(bytes / FILE) }, (_, i) => `${base}/random/${Math.min(FILE, bytes - i * FILE) + i}${rate > 0 ? `?rate=${rate}` : ''}`);

/** Creates a STORE stream job of `urls` and waits until it is ready. */
async function streamJob(stack: { url: string; apiKey: string }, urls: readonly string[]): Promise<{ zip_size: number; download_url: string }> {
  const headers = { 'X-API-Key': stack.apiKey, 'Content-Type': 'application/json' };
  const created = await fetch(`${stack.url}/jobs`, { method: 'POST', headers, body: JSON.stringify({ files: urls.map((url) => ({ url })), mode: 'stream', compression: 'store' }) });
  const { job_id } = (await created.json()) as { job_id: string };
  for (;;) {
    const { job } = (await (await fetch(`${stack.url}/jobs/${job_id}`, { headers })).json()) as { job: { status: string; zip_size: number; download_url: string } };
    if (job.status === 'completed') return job;
    if (job.status === 'failed') throw new Error(`stream job failed: ${JSON.stringify(job)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One whole stream download, then a raw copy of the same sources: first byte and both throughputs. */
async function pair(job: { zip_size: number; download_url: string }, urls: readonly string[]): Promise<{ firstMs: number; streamMbps: number; rawMbps: number }> {
  const t0 = performance.now();
  const streamed = await drain(await fetch(job.download_url), t0);
  const streamSeconds = (performance.now() - t0) / 1000;
  if (streamed.bytes !== job.zip_size) throw new Error(`stream download sent ${streamed.bytes} of ${job.zip_size} bytes`);
  const r0 = performance.now();
  let raw = 0;
  for (const url of urls) raw += (await drain(await fetch(url), r0)).bytes;
  const rawSeconds = (performance.now() - r0) / 1000;
  return { firstMs: streamed.firstMs, streamMbps: streamed.bytes / 1e6 / streamSeconds, rawMbps: raw / 1e6 / rawSeconds };
}

async function stackRun(bytes: number, runs: number): Promise<StreamStackResult> {
  const source = await startSourceServer();
  const dataDir = mkdtempSync(join(tmpdir(), 'zipjobs-bench-stream-'));
  const stack = await startStackServer(dataDir);
  try {
    const urls = urlsFor(source.url, bytes);
    const job = await streamJob(stack, urls);
    log(`stream job of ${urls.length} files, ${job.zip_size} bytes`);
    const result: StreamStackResult = { bytes, zipBytes: job.zip_size, files: urls.length, ttfbMs: [], streamMbps: [], rawMbps: [], rangeMs: [], paced: { rate: PACED_RATE, streamMbps: [], rawMbps: [] } };
    for (let i = 0; i < runs; i++) {
      const p = await pair(job, urls);
      result.ttfbMs.push(p.firstMs);
      result.streamMbps.push(p.streamMbps);
      result.rawMbps.push(p.rawMbps);
      log(`run ${i + 1}: first byte ${p.firstMs.toFixed(0)} ms; stream ${p.streamMbps.toFixed(0)} MB/s, raw ${p.rawMbps.toFixed(0)} MB/s`);
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
    const pacedUrls = urlsFor(source.url, bytes, PACED_RATE);
    const paced = await streamJob(stack, pacedUrls);
    for (let i = 0; i < runs; i++) {
      const p = await pair(paced, pacedUrls);
      result.paced.streamMbps.push(p.streamMbps);
      result.paced.rawMbps.push(p.rawMbps);
      log(`paced run ${i + 1}: stream ${p.streamMbps.toFixed(0)} MB/s, raw ${p.rawMbps.toFixed(0)} MB/s`);
    }
    return result;
  } finally {
    stack.stop();
    source.stop();
    // The stack closes on its own once told; give it a moment before its data goes.
    await new Promise((r) => setTimeout(r, 500));
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
