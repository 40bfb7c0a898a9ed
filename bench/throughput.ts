/**
 * Benchmarks 1 and 2: BuildZip throughput, the project's writer against
 * archiver, and their ceilings, for one method per process:
 *
 *   npx tsx bench/throughput.ts store|deflate [bytes] [runs] [deflate null-sink bytes]
 *
 * DEFLATE is CPU-bound at 20–50 MB/s here, so to keep the suite within its
 * time budget the DEFLATE null-sink cases (the writer, archiver and bare
 * zlib, compared with each other) read a quarter of `bytes`, and archiver is
 * not run into s3rver for DEFLATE (deflate-bound there too, its null-sink
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
  level: number;
  cases: Record<string, CaseSamples>;
  /** Archive bytes per source byte, from the BuildZip runs. */
  zipRatio: number;
}

const method = (process.argv[2] ?? 'store') as Method;
const bytes = Number(process.argv[3] ?? GiB);
const runs = Number(process.argv[4] ?? 3);
const nullBytes = method === 'deflate' ? Number(process.argv[5] ?? Math.round(bytes / 4)) : bytes;

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
    'BuildZip → s3rver': { bytes, run: (u) => toS3(() => buildZipJob(s3.client, s3.bucket, u, method)) },
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
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + r) % names.length]!;
      settle();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const n = cases[name]!.bytes;
      const read = await cases[name]!.run(urlOf(n));
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      if (read !== n) throw new Error(`${name}: read ${read} of ${n} bytes`);
      out[name]!.mbps.push(n / 1e6 / seconds);
      out[name]!.cpuPerGiB.push(((cpu.user + cpu.system) / 1e6) * (GiB / n));
      log(`${method} run ${r + 1}/${runs}  ${name.padEnd(30)} ${(n / 1e6 / seconds).toFixed(1).padStart(7)} MB/s  ${seconds.toFixed(1)} s`);
    }
  }
  await s3.close();
  source.stop();
  const caseBytes = Object.fromEntries(names.map((n) => [n, cases[n]!.bytes]));
  return { method, bytes, caseBytes, runs, level: BUILD_ZIP_LEVEL, cases: out, zipRatio };
});
