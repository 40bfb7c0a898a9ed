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
import { envSchema, type EnvName } from '../lambdas/env';
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
  /** Why the import failed, if it did (the cold-start time is then missing). */
  importError?: string;
}

const imports = Number(process.argv[2] ?? 3);
const ZIP_CODE = 'lambdas/core/zip/';

/**
 * A value for each variable a handler parses at cold start, found by asking
 * the env schema (lambdas/env.ts) which candidate it accepts, so new
 * variables need no change here; optional ones are left unset. Nothing is
 * called at import.
 */
function coldStartEnv(names: readonly EnvName[]): Record<string, string> {
  const candidates = ['arn:aws:lambda:us-east-1:000000000000:function:bench', 'https://api.example.com', 'false', '[]', 'bench'];
  const env: Record<string, string> = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    NODE_OPTIONS: '--enable-source-maps',
  };
  for (const name of names) {
    const field = envSchema.shape[name];
    if (field.safeParse(undefined).success) continue; // optional or defaulted: left unset
    const value = candidates.find((c) => field.safeParse(c).success);
    if (value !== undefined) env[name] = value;
  }
  return env;
}

const IMPORT_SCRIPT =
  'const t0 = performance.now(); const m = await import(process.argv[1]); ' +
  "if (typeof m.handler !== 'function') throw new Error('no handler export'); " +
  'process.stdout.write(String(performance.now() - t0));';

function importMs(file: string, env: Record<string, string>): number {
  const out = execFileSync(process.execPath, ['--input-type=module', '--no-warnings', '-e', IMPORT_SCRIPT, pathToFileURL(file).href], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
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
      const env = coldStartEnv(spec.env);
      let ms: number[] = [];
      let error: string | undefined;
      try {
        importMs(bundle.file, env); // first read of the file: not a cold start's concern
        ms = Array.from({ length: imports }, () => importMs(bundle.file, env));
      } catch (err) {
        error = String((err as { stderr?: string }).stderr ?? err).split('\n').find((l) => l.startsWith('Error')) ?? 'import failed';
        log(`${name}: ${error}`);
      }
      const zipModules = bundle.inputs.filter((i) => i.startsWith(ZIP_CODE));
      results.push({
        name,
        api: apiFunctions.has(name),
        bytes: bundle.bytes,
        mapBytes: bundle.mapBytes,
        modules: bundle.inputs.length,
        zipModules,
        bytesByOrigin: bundle.bytesByOrigin,
        importMs: ms,
        ...(error !== undefined && { importError: error }),
      });
      log(`${name.padEnd(16)} ${(bundle.bytes / 1024).toFixed(0).padStart(6)} KiB  import ${ms.length ? median(ms).toFixed(0) : '—'} ms  zip modules: ${zipModules.length}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
});
