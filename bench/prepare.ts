/**
 * Benchmark 4: Prepare's probing and packing of 20,000 URLs.
 *
 *   npx tsx bench/prepare.ts [files] [runs]
 *
 * Mirrors the split path of `prepare` (lambdas/usecases/workflow/prepare.ts,
 * packSplitJob): `probe` from the fetcher with the Prepare handler's options,
 * over `mapConcurrent` at Prepare's PROBE_CONCURRENCY (read from
 * workflow/prepare-probes.ts, so the two cannot drift apart), one retry of a retryable
 * failure, then packItemFor + packFiles. The URLs point at the benchmark's
 * source server (its own process), which answers HEAD with a Content-Length.
 * Packing alone is timed separately on the probed sizes, for both strategies.
 */
import { readFileSync } from 'node:fs';
import { FetchError, probe, type ProbeOptions, type ProbeResult } from '../lambdas/core/fetch';
import type { RequestedFile } from '../lambdas/core/jobs/create-request';
import { mapConcurrent, packFiles, packItemFor, type PackItem, type ProbeOutcome, type SplitStrategy } from '../lambdas/core/packing';
import { repoRoot } from './lib/bundle';
import { log, median, report, settle } from './lib/child';
import { GiB } from './lib/data';
import { startSourceServer } from './lib/source';

export interface PrepareResult {
  files: number;
  concurrency: number;
  maxZipSize: number;
  /** Probing + packing (preserve-order, the default strategy), each run. */
  probeAndPackSeconds: number[];
  probesFailed: number;
  /** Packing alone, 20,000 sizes, per strategy: milliseconds of each run, and the bins made. */
  pack: Record<SplitStrategy, { ms: number[]; bins: number }>;
}

const files = Number(process.argv[2] ?? 20_000);
const runs = Number(process.argv[3] ?? 3);
const PACK_RUNS = 25;
const MAX_ZIP_SIZE = 2 * GiB;

/** The Prepare handler's probe options (lambdas/handlers/workflow/prepare.ts), private addresses allowed as in the local stack. */
const probeOptions: ProbeOptions = {
  allowPrivateAddresses: true,
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 30_000,
  userAgent: 'zipjobs/0.1 (+https://github.com/zipjobs)',
};

function prepareConcurrency(): number {
  const source = readFileSync(`${repoRoot}/lambdas/usecases/workflow/prepare-probes.ts`, 'utf8');
  const found = /const PROBE_CONCURRENCY = (\d+)/.exec(source);
  if (!found) throw new Error('PROBE_CONCURRENCY not found in lambdas/usecases/workflow/prepare-probes.ts');
  return Number(found[1]);
}

/** prepare-probes.ts's probeOnce: one retry of a failure that may pass. */
async function probeOnce(url: string): Promise<ProbeOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      const { size }: ProbeResult = await probe(url, probeOptions);
      return size === undefined ? { ok: true } : { ok: true, size };
    } catch (error) {
      if (attempt >= 2 || !(error instanceof FetchError) || !error.retryable) return { ok: false };
      await new Promise((r) => setTimeout(r, 250 + Math.random() * 250));
    }
  }
}

const pack = (items: readonly PackItem[], strategy: SplitStrategy) => {
  const result = packFiles(items, { maxZipSize: MAX_ZIP_SIZE, strategy, allowOversize: true });
  if (!result.ok) throw new Error('packing rejected files');
  return result.bins.length;
};

report(async (): Promise<PrepareResult> => {
  const concurrency = prepareConcurrency();
  const source = await startSourceServer();
  const manifest: RequestedFile[] = Array.from({ length: files }, (_, i) => ({ url: `${source.url}/probe/${i}`, filename: null }));
  const toItems = (outcomes: readonly ProbeOutcome[]) => manifest.map((file, i) => packItemFor(i, file, outcomes[i]!, 'auto'));

  // Warm-up: a few hundred probes and packs.
  await mapConcurrent(manifest.slice(0, 500), concurrency, (f) => probeOnce(f.url));

  const seconds: number[] = [];
  let items: PackItem[] = [];
  let failed = 0;
  for (let r = 0; r < runs; r++) {
    settle();
    const t0 = performance.now();
    const outcomes = await mapConcurrent(manifest, concurrency, (f) => probeOnce(f.url));
    items = toItems(outcomes);
    pack(items, 'preserve-order');
    seconds.push((performance.now() - t0) / 1000);
    failed = outcomes.filter((o) => !o.ok).length;
    log(`prepare run ${r + 1}/${runs}: ${files} URLs probed and packed in ${seconds.at(-1)!.toFixed(2)} s (${failed} failed)`);
  }
  source.stop();

  const packResult = {} as PrepareResult['pack'];
  for (const strategy of ['preserve-order', 'ffd'] as const) {
    for (let i = 0; i < 5; i++) pack(items, strategy); // warm-up
    const ms: number[] = [];
    let bins = 0;
    for (let i = 0; i < PACK_RUNS; i++) {
      const t0 = performance.now();
      bins = pack(items, strategy);
      ms.push(performance.now() - t0);
    }
    packResult[strategy] = { ms, bins };
    log(`pack ${strategy}: median ${median(ms).toFixed(2)} ms, ${bins} bins`);
  }
  return { files, concurrency, maxZipSize: MAX_ZIP_SIZE, probeAndPackSeconds: seconds, probesFailed: failed, pack: packResult };
});
