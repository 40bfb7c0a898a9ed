/**
 * Benchmarks 1 and 2: BuildZip throughput, the project's writer against
 * archiver, and their ceilings, for one method per process:
 *
 *   npx tsx bench/throughput.ts store|deflate [bytes] [runs] [null-sink bytes] [null-sink runs]
 *
 * The s3rver cases and the null-sink cases are compared within their own
 * set, so each set is interleaved on its own. To stay within the suite's
 * time budget, the null-sink cases read half of `bytes` (STORE) or an eighth
 * (DEFLATE, CPU-bound at 25–50 MB/s here, run once more than the others:
 * more pairs make a steadier ratio on a loaded machine), and archiver is not
 * run into s3rver for DEFLATE (deflate-bound there too, so its null-sink
 * ratio says the same).
 *
 * Source: bench/lib/source-server.ts in its own process. Sinks: s3rver in
 * this process (as in the local stack), or nothing. The cases of one run are
 * interleaved (and their order rotated from run to run) so that a change in
 * the machine's load hits every case alike. MB/s counts source bytes (10^6).
 */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { GiB, MiB } from './lib/data';
import { log, report, settle } from './lib/child';
import {
  BUILD_ZIP_LEVEL,
  archiverToNull,
  archiverToS3,
  buildZipJob,
  entryName,
  rawToNull,
  rawToS3,
  writerToNull,
  zlibToNull,
  type Method,
} from './lib/pipelines';
import { startS3rver } from './lib/s3';
import { startSourceServer } from './lib/source';

export interface CaseSamples {
  /** Source MB/s of each run, in run order. */
  mbps: number[];
  /** CPU seconds of this whole process (all threads) per GiB of source, each run. */
  cpuPerGiB: number[];
}

export interface ThroughputResult {
  method: Method;
  bytes: number;
  /** Source bytes per run of each case. */
  caseBytes: Record<string, number>;
  runs: number;
  nullRuns: number;
  level: number;
  cases: Record<string, CaseSamples>;
  /** Archive bytes per source byte, from the BuildZip runs. */
  zipRatio: number;
}

const method = (process.argv[2] ?? 'store') as Method;
const bytes = Number(process.argv[3] ?? GiB);
const runs = Number(process.argv[4] ?? 3);
const nullBytes = Number(process.argv[5] ?? Math.round(bytes / (method === 'deflate' ? 8 : 2)));
// DEFLATE null-sink runs are short (4 s) and ratio a noisy pair: twice as many of them.
const nullRuns = Number(process.argv[6] ?? (method === 'deflate' ? 2 * runs : runs));

report(async (): Promise<ThroughputResult> => {
  const source = await startSourceServer();
  const s3 = await startS3rver();
  const urlOf = (n: number) => `${source.url}/${method === 'store' ? 'random' : 'text'}/${n}`;
  let zipRatio = 0;

  const toS3 = async (run: () => Promise<{ key: string; bytesIn: number; size?: number }>): Promise<number> => {
    const { key, bytesIn, size } = await run();
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }));
    if (size !== undefined) {
      if (head.ContentLength !== size) throw new Error(`${key}: stored ${head.ContentLength} bytes, BuildZip reported ${size}`);
      zipRatio = size / bytesIn;
    }
    await s3.remove(key);
    return bytesIn;
  };

  type Case = { bytes: number; run: (u: string) => Promise<number> };
  const cases: Record<string, Case> = {
    'raw copy → s3rver': { bytes, run: (u) => toS3(() => rawToS3(s3.client, s3.bucket, u)) },
    'BuildZip → s3rver': { bytes, run: (u) => toS3(() => buildZipJob(s3.client, s3.bucket, [{ url: u, name: entryName(method) }], method)) },
    ...(method === 'store' && { 'archiver → s3rver': { bytes, run: (u: string) => toS3(() => archiverToS3(s3.client, s3.bucket, u, method)) } }),
    'raw copy → null': { bytes: nullBytes, run: (u) => rawToNull(u) },
    ...(method === 'deflate' && { [`bare zlib (level ${BUILD_ZIP_LEVEL}) → null`]: { bytes: nullBytes, run: (u: string) => zlibToNull(u) } }),
    'fetcher + writer → null': { bytes: nullBytes, run: (u) => writerToNull(u, method) },
    'fetcher + archiver → null': { bytes: nullBytes, run: (u) => archiverToNull(u, method) },
  };
  const names = Object.keys(cases);

  // Warm-up: every path once on a small source, so the JIT is not timed.
  for (const name of names) await cases[name]!.run(urlOf(32 * MiB));

  const out: Record<string, CaseSamples> = Object.fromEntries(names.map((n) => [n, { mbps: [], cpuPerGiB: [] }]));
  const measure = async (set: string[], times: number) => {
    for (let r = 0; r < times; r++) {
      for (let i = 0; i < set.length; i++) {
        const name = set[(i + r) % set.length]!;
        const n = cases[name]!.bytes;
        settle();
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        const read = await cases[name]!.run(urlOf(n));
        const seconds = (performance.now() - t0) / 1000;
        const cpu = process.cpuUsage(cpu0);
        if (read !== n) throw new Error(`${name}: read ${read} of ${n} bytes`);
        out[name]!.mbps.push(n / 1e6 / seconds);
        out[name]!.cpuPerGiB.push(((cpu.user + cpu.system) / 1e6) * (GiB / n));
        log(`${method} run ${r + 1}/${times}  ${name.padEnd(30)} ${(n / 1e6 / seconds).toFixed(1).padStart(7)} MB/s  ${seconds.toFixed(1)} s`);
      }
    }
  };
  await measure(names.filter((n) => n.endsWith('s3rver')), runs);
  await measure(names.filter((n) => n.endsWith('null')), nullRuns);
  await s3.close();
  source.stop();
  const caseBytes = Object.fromEntries(names.map((n) => [n, cases[n]!.bytes]));
  return { method, bytes, caseBytes, runs, nullRuns, level: BUILD_ZIP_LEVEL, cases: out, zipRatio };
});
