/**
 * `npm run bench`: runs every benchmark (each in a fresh process, see
 * ./lib/child.ts), checks the performance targets of DESIGN.md, and writes
 * bench/results.json and the results section of bench/README.md.
 *
 * Environment:
 *   BENCH_RUNS=n     timed runs per case (default 3; medians are reported)
 *   BENCH_ONLY=a,b   only these groups (bundles, writer, store, deflate,
 *                    memory, prepare, latency, stream, bounded, eazip, segments); prints, writes no files
 *   BENCH_QUICK=1    small sizes, for trying the suite out; writes no files
 *   BENCH_JSON=file  also write this run's results (every sample) to that file, partial or not
 *   BENCH_SEGMENTS_BYTES, BENCH_SEGMENTS_RATE, BENCH_SEGMENTS_COUNTS
 *                    the segments group's source size (default 2 GiB), rate per
 *                    source connection (bytes/s, default 8 MB/s) and segment counts (1,2,4,8)
 */
import { statfsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BoundedResult } from './bounded';
import type { BundleResult } from './bundles';
import type { EazipResult } from './eazip';
import type { LatencyResult } from './latency';
import type { MemoryResult } from './memory';
import type { PrepareResult } from './prepare';
import type { SegmentsResult } from './segments';
import type { StreamMemoryResult, StreamStackResult } from './stream';
import type { ThroughputResult } from './throughput';
import type { WriterResult } from './writer';
import { repoRoot } from './lib/bundle';
import { median, runChild } from './lib/child';
import { GiB, MiB } from './lib/data';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const quick = process.env.BENCH_QUICK === '1';
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
const write = !quick && !only;
const wanted = (group: string) => !only || only.includes(group);

const size = quick ? 64 * MiB : GiB;
const memorySizes = quick ? [256 * MiB, 512 * MiB] : [GiB, 5 * GiB];
const urls = quick ? 2_000 : 20_000;
const jobs = quick ? 3 : 10;
// 8 segments × 8 MB/s stays near one core on this 2-core machine (see bench/README.md); ~9 minutes in all.
const segmentBytes = Number(process.env.BENCH_SEGMENTS_BYTES ?? (quick ? 512 * MiB : 2 * GiB));
const segmentRate = Number(process.env.BENCH_SEGMENTS_RATE ?? 8e6);
const segmentCounts = process.env.BENCH_SEGMENTS_COUNTS ?? '1,2,4,8';

process.env.ZIPJOBS_QUIET = 'true';

interface Results {
  machine: Record<string, string | number>;
  config: Record<string, number | boolean>;
  startedAt: string;
  durationSeconds: number;
  loadAverage: { start: number[]; end: number[] };
  groupSeconds: Record<string, number>;
  bundles?: BundleResult[];
  writer?: WriterResult;
  store?: ThroughputResult;
  deflate?: ThroughputResult;
  memory?: MemoryResult;
  prepare?: PrepareResult;
  latency?: LatencyResult;
  stream?: { stack: StreamStackResult; memory: StreamMemoryResult[] };
  bounded?: BoundedResult;
  eazip?: EazipResult;
  segments?: SegmentsResult;
  targets: Target[];
  /** Groups that failed, with the error. */
  errors: Record<string, string>;
}

interface Target {
  target: string;
  measured: string;
  pass: boolean | null;
}

function machine(): Record<string, string | number> {
  const cpu = cpus();
  const disk = statfsSync(tmpdir());
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Number((totalmem() / GiB).toFixed(1)),
    freeMemoryGiB: Number((freemem() / GiB).toFixed(1)),
    node: process.version,
    os: `${process.platform} ${release()}`,
    tmpFreeGiB: Number(((disk.bavail * disk.bsize) / GiB).toFixed(0)),
  };
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const med = (v: readonly number[] | undefined) => (v && v.length > 0 ? median(v) : NaN);
/** Median of per-run ratios a[i]/b[i]: each pair ran back to back, so load changes cancel out better than in a ratio of medians. */
const pairedRatio = (a: readonly number[] | undefined, b: readonly number[] | undefined) =>
  a && b && a.length > 0 ? median(a.map((x, i) => x / b[i]!)) : NaN;
async function sequentially<T, R>(items: readonly T[], run: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const item of items) out.push(await run(item));
  return out;
}
const loadNow = () => loadavg().map((l) => Number(l.toFixed(2)));

async function main(): Promise<void> {
  const startedAt = new Date();
  const t0 = performance.now();
  const results: Results = {
    machine: machine(),
    config: { runs, quick, bytesPerThroughputRun: size, memoryArchiveBytes: memorySizes.at(-1)!, prepareUrls: urls, latencyJobs: jobs },
    startedAt: startedAt.toISOString(),
    durationSeconds: 0,
    loadAverage: { start: loadNow(), end: [] },
    groupSeconds: {},
    targets: [],
    errors: {},
  };
  console.log(`zipjobs bench: ${results.machine.cpu}, ${results.machine.cores} cores, Node ${process.version}, load ${results.loadAverage.start.join(' ')}`);

  const group = async <K extends keyof Results>(name: K & string, title: string, run: () => Promise<Results[K]>): Promise<void> => {
    if (!wanted(name)) return;
    console.log(`\n▶ ${title}`);
    const g0 = performance.now();
    try {
      results[name] = await run();
    } catch (err) {
      // One broken group (say, a stack change in progress) must not cost the others' results.
      results.errors[name] = err instanceof Error ? err.message.split('\n')[0]! : String(err);
      console.log(`  FAILED: ${results.errors[name]}`);
    }
    results.groupSeconds[name] = Math.round((performance.now() - g0) / 1000);
    console.log(`  (${results.groupSeconds[name]} s)`);
  };

  await group('bundles', '6. Lambda bundles: size, cold start, no ZIP code in API bundles', () => runChild<BundleResult[]>('bundles.ts', [String(runs)]));
  await group('writer', 'Writer alone, from memory: ours vs archiver vs zlib', () => runChild<WriterResult>('writer.ts', [String(runs)]));
  await group('store', '1–2. BuildZip STORE throughput', () => runChild<ThroughputResult>('throughput.ts', ['store', String(size), String(runs)]));
  await group('deflate', '1–2. BuildZip DEFLATE throughput', () => runChild<ThroughputResult>('throughput.ts', ['deflate', String(size), String(runs)]));
  await group('memory', `3. Peak RSS of BuildZip, ${memorySizes.map((n) => fmt(n / GiB, 1)).join(' and ')} GiB archives; the largest again through checkpoints`, () =>
    runChild<MemoryResult>('memory.ts', memorySizes.map(String)),
  );
  await group('prepare', `4. Prepare: probe and pack ${fmt(urls)} URLs`, () => runChild<PrepareResult>('prepare.ts', [String(urls), String(runs)]));
  await group('latency', '5. Small-job latency in the local stack', () => runChild<LatencyResult>('latency.ts', [String(jobs)]));
  await group('stream', `7. Stream mode: a ${fmt(size / GiB, 2)} GiB stream job downloaded through the local stack vs a raw copy; a range near the end; peak RSS streaming ${memorySizes.map((n) => fmt(n / GiB, 1)).join(' and ')} GiB`, async () => ({
    stack: await runChild<StreamStackResult>('stream.ts', ['stack', String(size), String(runs)]),
    memory: await sequentially(memorySizes, (n) => runChild<StreamMemoryResult>('stream.ts', ['memory', String(n)])),
  }));
  await group('bounded', `8. Big jobs through the local stack: ${fmt(urls)} failing URLs, a body of 5,500 1,000-character URLs, ${fmt(urls)} through an upload`, () =>
    runChild<BoundedResult>('bounded.ts', [String(urls)]),
  );
  // One run (~1 min): the whole example is 3 GiB through the local S3.
  if (!quick) await group('eazip', "9. Eazip's auto-split example through the local stack: 1,000 files, 3 GiB, 2 GiB ZIPs, POST → completed", () => runChild<EazipResult>('eazip.ts', ['1']));

  await group('segments', `10. One ${fmt(segmentBytes / GiB, 1)} GiB archive built in ${segmentCounts} segments, each step in its own process, sources paced at ${fmt(segmentRate / 1e6)} MB/s per connection`, () =>
    runChild<SegmentsResult>('segments.ts', [String(segmentBytes), String(segmentRate), segmentCounts]),
  );

  results.loadAverage.end = loadNow();
  results.durationSeconds = Math.round((performance.now() - t0) / 1000);
  results.targets = targets(results);

  const section = renderResults(results);
  console.log(`\n${section}`);
  if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, `${JSON.stringify(results, null, 2)}\n`);
  if (write) {
    writeFileSync(join(repoRoot, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
    const readmePath = join(repoRoot, 'bench/README.md');
    const readme = readFileSync(readmePath, 'utf8');
    const start = readme.indexOf(RESULTS_START);
    const end = readme.indexOf(RESULTS_END);
    if (start < 0 || end < start) throw new Error(`bench/README.md lacks the ${RESULTS_START} … ${RESULTS_END} markers`);
    writeFileSync(readmePath, `${readme.slice(0, start + RESULTS_START.length)}\n${section}\n${readme.slice(end)}`);
    console.log('\nwrote bench/results.json and the results section of bench/README.md');
  } else {
    console.log('\n(partial or quick run: bench/results.json and bench/README.md left as they were)');
  }
}

const RESULTS_START = '<!-- results:start (written by npm run bench) -->';
const RESULTS_END = '<!-- results:end -->';

const API_ZIP_FREE = 'API bundles carry no ZIP code';

function targets(r: Results): Target[] {
  const out: Target[] = [];
  const t = (target: string, measured: string, pass: boolean | null) => out.push({ target, measured, pass });
  const s = r.store?.cases;
  const d = r.deflate?.cases;
  if (s) {
    const ratio = pairedRatio(s['BuildZip → s3rver']?.mbps, s['raw copy → s3rver']?.mbps);
    t('BuildZip STORE ≥ 0.8 × raw copy, same source and sink (s3rver)', `${fmt(ratio, 2)} × (${fmt(med(s['BuildZip → s3rver']?.mbps))} vs ${fmt(med(s['raw copy → s3rver']?.mbps))} MB/s)`, ratio >= 0.8);
  }
  if (d) {
    const zlibName = Object.keys(d).find((k) => k.startsWith('bare zlib'))!;
    const ratio = pairedRatio(d['fetcher + writer → null']?.mbps, d[zlibName]?.mbps);
    t(`DEFLATE within 10% of bare zlib at the same level (${r.deflate!.level})`, `${fmt(ratio, 2)} × (${fmt(med(d['fetcher + writer → null']?.mbps))} vs ${fmt(med(d[zlibName]?.mbps))} MB/s)`, ratio >= 0.9);
  }
  for (const [name, g] of [['STORE', s], ['DEFLATE', d]] as const) {
    if (!g) continue;
    const ratio = pairedRatio(g['fetcher + writer → null']?.mbps, g['fetcher + archiver → null']?.mbps);
    const viaS3 = pairedRatio(g['BuildZip → s3rver']?.mbps, g['archiver → s3rver']?.mbps);
    t(`Writer ≥ archiver, ${name} (writer-bound: null sink)`, `${fmt(ratio, 2)} ×${Number.isNaN(viaS3) ? '' : ` (through s3rver: ${fmt(viaS3, 2)} ×)`}`, ratio >= 1);
  }
  if (r.memory) {
    const big = r.memory.runs.at(-1)!;
    const mb = big.vmHwmBytes / 1e6;
    const small = r.memory.runs.length > 1 ? `; ${fmt(r.memory.runs[0]!.vmHwmBytes / 1e6)} MB for ${fmt(r.memory.runs[0]!.zipBytes / GiB, 1)} GiB` : '';
    const c = r.memory.checkpointed;
    const resumedMb = Math.max(...c.runs.map((x) => x.vmHwmBytes)) / 1e6;
    t(
      `Peak RSS < 256 MB building a ${fmt(big.zipBytes / GiB, 1)} GiB archive`,
      `${fmt(mb)} MB (VmHWM${small}; ≤ ${fmt(resumedMb)} MB per run through checkpoints)`,
      Math.max(mb, resumedMb) < 256,
    );
    const readers = c.readers.filter((x) => x.seconds !== null).map((x) => x.reader.split(' ')[0]);
    t(
      `The ${fmt(c.zipBytes / GiB, 1)} GiB archive built through checkpoints = the one-shot build, and readers accept it`,
      `${c.runs.length} runs; ${c.identicalToOneShot ? 'identical' : 'DIFFERENT'}; ${readers.join(', ')} accept it`,
      c.identicalToOneShot && readers.length > 0,
    );
  }
  if (r.prepare) {
    const s20 = med(r.prepare.probeAndPackSeconds);
    t(`Prepare: ${fmt(r.prepare.files)} URLs probed and packed < 60 s`, `${fmt(s20, 1)} s`, s20 < 60);
    const packMs = Math.max(...Object.values(r.prepare.pack).map((p) => med(p.ms)));
    t(`Packing ${fmt(r.prepare.files)} sizes < 50 ms (slower strategy)`, `${fmt(packMs, 1)} ms`, packMs < 50);
  }
  if (r.stream) {
    const { stack, memory } = r.stream;
    const ratio = pairedRatio(stack.streamMbps, stack.rawMbps);
    t(
      'Stream download ≥ 0.8 × a raw copy of the same sources to the same client (source, stack and client each in its own process, contending for the cores)',
      `${fmt(ratio, 2)} × (${fmt(med(stack.streamMbps))} vs ${fmt(med(stack.rawMbps))} MB/s)`,
      ratio >= 0.8,
    );
    const paced = pairedRatio(stack.paced.streamMbps, stack.paced.rawMbps);
    t(
      `The same with the source paced at ${fmt(stack.paced.rate / 1e6)} MB/s per connection (the stream keeps up with its sources)`,
      `${fmt(paced, 2)} × (${fmt(med(stack.paced.streamMbps))} vs ${fmt(med(stack.paced.rawMbps))} MB/s)`,
      paced >= 0.8,
    );
    t(`Stream download's first byte < 300 ms (${fmt(stack.zipBytes / GiB, 2)} GiB job)`, `${fmt(med(stack.ttfbMs))} ms`, med(stack.ttfbMs) < 300);
    t('A range near the end of a job whose CRCs are known < 100 ms', `${fmt(med(stack.rangeMs))} ms (1 MiB)`, med(stack.rangeMs) < 100);
    const big = memory.at(-1)!;
    t(
      `Peak RSS streaming a ${fmt(big.zipBytes / GiB, 1)} GiB archive < 256 MB`,
      memory.map((m) => `${fmt(m.vmHwmBytes / 1e6)} MB for ${fmt(m.zipBytes / GiB, 1)} GiB`).join('; '),
      big.vmHwmBytes < 256e6,
    );
  }
  if (r.eazip) {
    const s = med(r.eazip.seconds);
    const load = r.eazip.load.map(([a, b]) => `${fmt(a, 1)}→${fmt(b, 1)}`).join(', ');
    t("Eazip's example (1,000 files, 3 GiB, 2 GiB ZIPs), POST → completed ≤ 49 s (10 × faster than Eazip's published 8 m 12 s)", `${fmt(s, 1)} s (load ${load})`, s <= 49);
  }
  if (r.segments) {
    const base = r.segments.runs.find((x) => x.segments.length === 0);
    const many = r.segments.runs.filter((x) => x.segments.length > 1);
    if (base && many.length > 0) {
      const ratios = many.map((x) => ({ n: x.segments.length, speedUp: base.wallSeconds / x.wallSeconds }));
      t(
        `A ZIP built in N segments ≥ 0.8 × N as fast as built as one (${fmt(r.segments.zipBytes / GiB, 1)} GiB, sources paced at ${fmt(r.segments.rate / 1e6)} MB/s per connection)`,
        ratios.map((x) => `${x.n}: ${fmt(x.speedUp, 2)} ×`).join(', '),
        ratios.every((x) => x.speedUp >= 0.8 * x.n),
      );
    }
    t(
      'Every archive has its planned size and the CRC-32s of its sources; those built in segments are identical',
      `${r.segments.segmentedIdentical ? 'yes' : 'NOT identical'}${r.segments.uploadedOnce ? '' : ' (some parts were sent twice)'}`,
      r.segments.segmentedIdentical,
    );
  }
  if (r.bundles) {
    const api = r.bundles.filter((b) => b.api);
    const carrying = api.filter((b) => b.zipModules.length > 0);
    t(API_ZIP_FREE, carrying.length === 0 ? `0 of ${api.length} API bundles contain lambdas/core/zip` : `in ${carrying.map((b) => b.name).join(', ')}`, carrying.length === 0);
  }
  return out;
}

function table(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

function renderResults(r: Results): string {
  const m = r.machine;
  const parts: string[] = [];
  parts.push(
    `Run of ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC, ${fmt(r.durationSeconds / 60, 1)} min in all. ` +
      `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB memory, Node ${m.node}, ${m.os}. ` +
      `Load average (1/5/15 min) ${r.loadAverage.start.join(' / ')} at the start, ${r.loadAverage.end.join(' / ')} at the end ` +
      `(other work on the machine counts: compare ratios, which come from back-to-back runs, rather than absolute MB/s). ` +
      `BENCH_RUNS=${r.config.runs} timed runs per case (the DEFLATE null-sink cases twice as many); medians. MB = 10^6 bytes.`,
  );
  parts.push(`### Targets\n\n${table(['Target', 'Measured', 'Result'], r.targets.map((t) => [t.target, t.measured, t.pass === null ? '—' : t.pass ? '**PASS**' : '**MISS**']))}`);

  if (r.store || r.deflate) {
    const rows: (string | number)[][] = [];
    const cell = (g: ThroughputResult | undefined, name: string, base?: string) => {
      const c = g?.cases[name];
      if (!c) return ['—', '—', '—'];
      const ratio = base && g.cases[base] ? fmt(pairedRatio(c.mbps, g.cases[base]!.mbps), 2) : '';
      return [fmt(med(c.mbps), 1), ratio, fmt(med(c.cpuPerGiB), 1)];
    };
    const zlib = r.deflate ? Object.keys(r.deflate.cases).find((k) => k.startsWith('bare zlib')) : undefined;
    const layout: [string, string, string | undefined, string | undefined][] = [
      ['raw copy → s3rver (ceiling)', 'raw copy → s3rver', 'raw copy → s3rver', 'raw copy → s3rver'],
      ['BuildZip → s3rver', 'BuildZip → s3rver', 'raw copy → s3rver', 'raw copy → s3rver'],
      ['archiver in its place → s3rver', 'archiver → s3rver', 'raw copy → s3rver', 'raw copy → s3rver'],
      ['raw copy → null (ceiling)', 'raw copy → null', 'raw copy → null', 'raw copy → null'],
      [`bare zlib level ${r.deflate?.level ?? 6} → null (DEFLATE ceiling)`, zlib ?? '', undefined, zlib],
      ['fetcher + writer → null', 'fetcher + writer → null', 'raw copy → null', zlib],
      ['fetcher + archiver → null', 'fetcher + archiver → null', 'raw copy → null', zlib],
    ];
    for (const [label, name, storeBase, deflateBase] of layout) {
      rows.push([label, ...cell(r.store, name, storeBase), ...cell(r.deflate, name, deflateBase)]);
    }
    const zipSizes = [r.store, r.deflate].filter(Boolean).map((g) => `${g!.method} ${fmt(g!.zipRatio * 100, 1)}%`).join(', ');
    const runsOf = (g: ThroughputResult | undefined) => {
      if (!g) return '';
      const nullBytes = Object.entries(g.caseBytes).find(([c]) => c.endsWith('null'))?.[1] ?? g.bytes;
      return `${g.method.toUpperCase()}: s3rver rows ${g.runs} × ${fmt(g.bytes / MiB)} MiB, null rows ${g.nullRuns} × ${fmt(nullBytes / MiB)} MiB`;
    };
    parts.push(
      `### 1–2. BuildZip throughput\n\n` +
        `Runs × source size: ${[runsOf(r.store), runsOf(r.deflate)].filter(Boolean).join('; ')}. ` +
        `Source: a local HTTP server in its own process. "s3rver": the local S3 stand-in, in the benchmark's process. ` +
        `Ratio: median of the per-run ratios to the ceiling of the same set (s3rver rows: the raw copy into s3rver; null rows: the raw read for STORE, bare zlib for DEFLATE). ` +
        `CPU: seconds of the benchmark process (all threads, s3rver included) per GiB of source. Archive size / source size: ${zipSizes}.\n\n` +
        table(['Path', 'STORE MB/s', 'ratio', 'CPU s/GiB', 'DEFLATE MB/s', 'ratio', 'CPU s/GiB'], rows),
    );
  }

  if (r.writer) {
    const w = r.writer.cases;
    const pairs: [string, string, string][] = [
      ['STORE, 1 GiB, 1 entry', 'STORE 1 GiB: ours', 'STORE 1 GiB: archiver'],
      ['STORE, 10,000 × 10 KiB', 'STORE 10,000 × 10 KiB: ours', 'STORE 10,000 × 10 KiB: archiver'],
      ['DEFLATE level 1, 64 MiB text', 'DEFLATE L1 64 MiB text: ours', 'DEFLATE L1 64 MiB text: archiver'],
      ['DEFLATE level 6, 64 MiB text', 'DEFLATE L6 64 MiB text: ours', 'DEFLATE L6 64 MiB text: archiver'],
    ];
    const rows = pairs.map(([label, ours, theirs]) => {
      const zlib = ours.replace(': ours', ': bare zlib');
      return [
        label,
        fmt(med(w[ours]), 0),
        fmt(med(w[theirs]), 0),
        fmt(pairedRatio(w[ours], w[theirs]), 2),
        w[zlib] ? fmt(med(w[zlib]), 0) : '—',
        w[zlib] ? fmt(pairedRatio(w[ours], w[zlib]), 2) : '—',
      ];
    });
    parts.push(
      `### The writer alone (from memory, into a discarding sink)\n\n` +
        `zlib.crc32 alone: ${fmt(r.writer.crc32MBps)} MB/s. Text deflates to ${fmt(r.writer.textRatio.L1! * 100, 1)}% at level 1 and ${fmt(r.writer.textRatio.L6! * 100, 1)}% at level 6.\n\n` +
        table(['Case', 'ours MB/s', 'archiver MB/s', 'ours / archiver', 'bare zlib MB/s', 'ours / zlib'], rows),
    );
  }

  if (r.memory) {
    const c = r.memory.checkpointed;
    const oneShot = r.memory.runs.at(-1)!;
    const workSeconds = c.runs.reduce((sum, x) => sum + x.seconds, 0);
    const perCheckpoint = (c.wallSeconds - oneShot.seconds) / Math.max(1, c.runs.length - 1);
    parts.push(
      `### 3. Memory: BuildZip's peak RSS, and a ZIP64 archive built through checkpoints\n\n` +
        `Each archive: two STORE entries of 90% and 10% of its size (from 4 GiB on, the first needs ZIP64 sizes and the second a ZIP64 offset), ` +
        `from the HTTP source through MultipartSink (10 MiB parts, 4 uploading) into a discarding S3 stand-in over HTTP; ` +
        `the worker runs the bundled code on plain Node, alone in its process.\n\n` +
        table(
          ['Archive', 'RSS before', 'peak RSS (VmHWM)', 'peak sampled (20 ms)', 'V8 heap at peak', 'buffers at peak', 'throughput'],
          r.memory.runs.map((x) => [
            `${fmt(x.zipBytes / GiB, 2)} GiB`,
            `${fmt(x.rssBeforeBytes / 1e6)} MB`,
            `**${fmt(x.vmHwmBytes / 1e6)} MB**`,
            `${fmt(x.peakSampledRssBytes / 1e6)} MB`,
            `${fmt(x.atPeak.heapTotalBytes / 1e6)} MB`,
            `${fmt(x.atPeak.arrayBuffersBytes / 1e6)} MB`,
            `${fmt(x.sourceBytes / 1e6 / x.seconds)} MB/s`,
          ]),
        ) +
        `\n\nThe ${fmt(c.zipBytes / GiB, 2)} GiB archive again, as Lambda invocations near their time limit build it: a fresh process per run, ` +
        `each stopping after ${fmt(c.budgetMs)} ms (the one-shot time / 8, at least 500 ms) with a checkpoint, the next resuming from it (mid-entry: \`Range\` + \`If-Range\`). ` +
        `Kept in a file for the readers; hash of its parts compared with the one-shot build's.\n\n` +
        table(
          ['runs', 'wall time', 'in BuildZip', 'one-shot', 'cost per checkpoint', 'peak RSS per run (VmHWM)', 'identical to one-shot', 'readers (CRC of every entry)'],
          [
            [
              c.runs.length,
              `${fmt(c.wallSeconds, 1)} s`,
              `${fmt(workSeconds, 1)} s`,
              `${fmt(oneShot.seconds, 1)} s`,
              `${fmt(perCheckpoint, 2)} s`,
              `${fmt(Math.min(...c.runs.map((x) => x.vmHwmBytes)) / 1e6)}–**${fmt(Math.max(...c.runs.map((x) => x.vmHwmBytes)) / 1e6)} MB**`,
              c.identicalToOneShot ? '**yes**' : '**NO**',
              c.readers.map((x) => (x.seconds === null ? `${x.reader}: not installed` : `${x.reader} ✓ ${fmt(x.seconds, 1)} s`)).join(', '),
            ],
          ],
        ),
    );
  }

  if (r.prepare) {
    const p = r.prepare;
    parts.push(
      `### 4. Prepare\n\n` +
        table(
          ['Step', 'median', 'runs'],
          [
            [`probe (HEAD, ${p.concurrency} at a time) + pack ${fmt(p.files)} URLs`, `${fmt(med(p.probeAndPackSeconds), 2)} s`, p.probeAndPackSeconds.map((s) => fmt(s, 1)).join(', ')],
            ...Object.entries(p.pack).map(([strategy, x]) => [
              `pack ${fmt(p.files)} sizes, ${strategy} (${fmt(x.bins)} bins of ${fmt(p.maxZipSize / GiB)} GiB)`,
              `${fmt(med(x.ms), 2)} ms`,
              `${x.ms.length} runs, max ${fmt(Math.max(...x.ms), 1)} ms`,
            ]),
          ],
        ),
    );
  }

  if (r.latency) {
    const l = r.latency;
    parts.push(
      `### 5. Small-job latency (local stack)\n\n` +
        `POST /jobs with 3 small files (36 KB, 300 KB, 1 KB) until GET /jobs/{id} says completed (polled every ${l.pollMs} ms).\n\n` +
        table(
          ['local stack start', 'first job (handlers load)', `median of ${l.jobs} jobs`, 'min', 'max'],
          [[`${fmt(l.startSeconds, 1)} s`, `${fmt(l.firstJobMs)} ms`, `**${fmt(med(l.jobMs))} ms**`, `${fmt(Math.min(...l.jobMs))} ms`, `${fmt(Math.max(...l.jobMs))} ms`]],
        ),
    );
  }

  if (r.bounded) {
    const cases = [
      ['URLs all failing (404)', r.bounded.failing, '/errors'],
      ['1,000-character URLs in the body', r.bounded.inline, '/files'],
      ['1,000-character URLs through /uploads', r.bounded.upload, '/files'],
    ] as const;
    parts.push(
      `### 8. Big jobs (local stack)\n\n` +
        `From POST /jobs to the job's end (polling GET /jobs), then one GET /jobs/{id} and the listing paged through (1,000 a page).\n\n` +
        table(
          ['job', 'files', 'request MB', 'status', 'seconds', 'GET MB', 'files shown', 'errors shown / count', 'listing pages', 'each once'],
          cases.map(([name, c, listing]) => [
            name,
            fmt(c.files),
            fmt(c.requestBytes / 1e6, 1),
            c.status,
            fmt(c.seconds, 1),
            fmt(c.getBytes / 1e6, 2),
            fmt(c.filesShown),
            `${fmt(c.errorsShown)} / ${fmt(c.errorsCount)}`,
            `${listing} ${c.pages}`,
            c.pagedExactlyOnce ? 'yes' : '**no**',
          ]),
        ),
    );
  }

  if (r.bundles) {
    const rows = r.bundles.map((b) => {
      const sdk = b.bytesByOrigin['AWS SDK'] ?? 0;
      const own = b.bytesByOrigin.project ?? 0;
      const [other, otherBytes] = Object.entries(b.bytesByOrigin)
        .filter(([k]) => k !== 'AWS SDK' && k !== 'project')
        .sort((x, y) => y[1] - x[1])[0] ?? ['—', 0];
      return [
        b.name,
        b.api ? 'API' : '',
        fmt(b.bytes / 1024),
        fmt(sdk / 1024),
        `${other} ${fmt(otherBytes / 1024)}`,
        fmt(own / 1024),
        b.importMs.length ? fmt(med(b.importMs)) : 'failed',
        b.zipModules.length === 0 ? 'none' : `${b.zipModules.length} modules`,
      ];
    });
    parts.push(
      `### 6. Lambda bundles\n\n` +
        `Bundled like the CDK stack (esbuild, ESM, minified, target node22, everything bundled). Cold start: \`import()\` of the bundle in a fresh \`node\` ` +
        `with NODE_OPTIONS=--enable-source-maps as deployed, median of ${r.bundles[0]?.importMs.length ?? 0} (Node ${m.node} here, not Lambda's 22).\n\n` +
        table(['Function', '', 'bundle KiB', 'AWS SDK KiB', 'largest other package, KiB', 'own code KiB', 'import ms', 'lambdas/core/zip'], rows),
    );
  }
  if (r.segments) parts.push(renderSegments(r.segments));
  for (const [g, e] of Object.entries(r.errors)) parts.push(`**Group \`${g}\` failed**: ${e}`);
  parts.push(`Time per group: ${Object.entries(r.groupSeconds).map(([k, v]) => `${k} ${v} s`).join(', ')}.`);
  return parts.join('\n\n');
}

function renderSegments(g: SegmentsResult): string {
  const base = g.runs.find((x) => x.segments.length === 0) ?? g.runs[0]!;
  const rows = g.runs.map((x) => {
    const n = Math.max(1, x.segments.length);
    const builders = x.segments.length > 0 ? x.segments : [{ ...x.whole!, sourceBytes: g.sourceBytes }];
    const mbps = builders.map((s) => s.sourceBytes / 1e6 / s.seconds);
    const cpu = x.cpu.steps + x.cpu.standIn + x.cpu.source;
    return [
      x.segments.length > 0 ? `${n}` : '1 (BuildZip as one)',
      `${fmt(x.wallSeconds, 1)} s`,
      `**${fmt(base.wallSeconds / x.wallSeconds, 2)} ×**`,
      n > 1 ? `${fmt(base.wallSeconds / x.wallSeconds / n, 2)}` : '1.00',
      `${fmt(x.plan.processSeconds, 1)} s`,
      `${fmt(Math.min(...builders.map((s) => s.processSeconds)), 1)}–${fmt(Math.max(...builders.map((s) => s.processSeconds)), 1)} s`,
      `${fmt(Math.min(...mbps), 1)}–${fmt(Math.max(...mbps), 1)}`,
      `**${fmt(Math.max(...builders.map((s) => s.maxRssBytes)) / 1e6)} MB**`,
      x.finish ? `${fmt(x.finish.processSeconds, 1)} s (${x.finish.partsUploaded} parts, ${fmt(x.heldBytes / 1e6)} MB held)` : '—',
      `${fmt(cpu / x.wallSeconds, 2)} (${fmt(x.cpu.standIn, 0)} s in the stand-in)`,
      `${fmt(x.load[0], 1)} → ${fmt(x.load[1], 1)}`,
    ];
  });
  return (
    `### 10. One archive built in segments

` +
    `${g.files} STORE entries, ${fmt(g.sourceBytes / GiB, 2)} GiB → a ${fmt(g.zipBytes / GiB, 2)} GiB archive in ${fmt(g.partSize / MiB)} MiB parts; the source paced at ${fmt(g.rate / 1e6)} MB/s per connection. ` +
    `Wall: PlanZip's process start to the ZIP's completion; every step a process of its own (start-up included). Speed-up: against the archive built as one. ` +
    `Source MB/s: per builder (segment or BuildZip), source bytes over its use case's time. CPU: all processes of the run (steps, the S3 stand-in, the source) over the wall time, in cores. ` +
    `Every archive: the planned size, the central directory's sizes, offsets and CRC-32s equal to the source's; the segmented ones ${g.segmentedIdentical ? 'identical part for part' : '**not identical**'}.\n\n` +
    table(['segments', 'wall', 'speed-up', '÷ N', 'PlanZip', 'builders', 'source MB/s each', 'peak RSS per builder', 'FinishSegments', 'CPU cores', 'load (1 min)'], rows)
  );
}

await main();
