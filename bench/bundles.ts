/**
 * Benchmark 6: each Lambda bundle's size and cold start. Every entry of
 * lib/functions.ts `functionSpecs` is bundled as the CDK stack bundles it
 * (./lib/bundle.ts), then imported in fresh Node processes: the time of the
 * `import()` alone, with the environment the handler parses at cold start and
 * NODE_OPTIONS=--enable-source-maps as HouseFunction sets it. Also checks
 * that no API function's bundle contains the ZIP writer (lambdas/core/zip).
 *
 *   npx tsx bench/bundles.ts [imports per bundle]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { apiRoutes, functionSpecs, type FunctionName } from '../lib/functions';
import { bundleLikeCdk } from './lib/bundle';
import { log, median, report } from './lib/child';

export interface BundleResult {
  name: string;
  api: boolean;
  bytes: number;
  mapBytes: number;
  modules: number;
  /** Inputs of the bundle under lambdas/core/zip/ (must be none for an API function). */
  zipModules: string[];
  /** Output bytes by origin (AWS SDK, other packages, project code). */
  bytesByOrigin: Readonly<Record<string, number>>;
  importMs: number[];
}

const imports = Number(process.argv[2] ?? 5);
const ZIP_CODE = 'lambdas/core/zip/';

/** Valid-looking values for every variable a handler may parse at cold start (nothing is called). */
const ENV: Record<string, string> = {
  TABLE_NAME: 'zipjobs',
  BUCKET_NAME: 'zipjobs-bench',
  STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:zipjobs',
  TOKEN_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:zipjobs-token',
  ALLOW_PRIVATE_ADDRESSES: 'false',
  EVENT_BUS_NAME: 'zipjobs',
  API_BASE_URL: 'https://api.example.com',
  PUBLIC_BASE_URL: 'https://api.example.com',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  NODE_OPTIONS: '--enable-source-maps',
};

const IMPORT_SCRIPT =
  'const t0 = performance.now(); const m = await import(process.argv[1]); ' +
  "if (typeof m.handler !== 'function') throw new Error('no handler export'); " +
  'process.stdout.write(String(performance.now() - t0));';

function importMs(file: string): number {
  const out = execFileSync(process.execPath, ['--input-type=module', '--no-warnings', '-e', IMPORT_SCRIPT, pathToFileURL(file).href], {
    env: { PATH: process.env.PATH ?? '', ...ENV },
    encoding: 'utf8',
  });
  return Number(out);
}

report(async (): Promise<BundleResult[]> => {
  const apiFunctions = new Set<FunctionName>(apiRoutes.map((r) => r.fn));
  const dir = mkdtempSync(join(tmpdir(), 'zipjobs-bench-bundles-'));
  const results: BundleResult[] = [];
  try {
    for (const [name, spec] of Object.entries(functionSpecs) as [FunctionName, (typeof functionSpecs)[FunctionName]][]) {
      const bundle = await bundleLikeCdk(spec.entry, join(dir, name));
      importMs(bundle.file); // first read of the file: not a cold start's concern
      const ms = Array.from({ length: imports }, () => importMs(bundle.file));
      const zipModules = bundle.inputs.filter((i) => i.startsWith(ZIP_CODE));
      results.push({ name, api: apiFunctions.has(name), bytes: bundle.bytes, mapBytes: bundle.mapBytes, modules: bundle.inputs.length, zipModules, bytesByOrigin: bundle.bytesByOrigin, importMs: ms });
      log(`${name.padEnd(16)} ${(bundle.bytes / 1024).toFixed(0).padStart(6)} KiB  import ${median(ms).toFixed(0)} ms  zip modules: ${zipModules.length}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
});
