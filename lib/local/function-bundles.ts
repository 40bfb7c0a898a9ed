/**
 * The local stack's functions bundled as Lambda runs them: one esbuild ESM
 * bundle per handler (shared code split into chunks), plus the worker
 * runtime that loads them and the S3 stand-in's thread, kept in node_modules/.cache/zipjobs-local/<hash of
 * the sources>/ and rebuilt only when a source or the lockfile changes.
 *
 * Why bundles rather than loading the TypeScript through tsx in each worker:
 * a function's cold start here took ~2.3 s of CPU from source and ~0.6 s
 * from its bundle (the AWS SDK's hundreds of modules, each through the
 * loader's hooks), and every e2e file starts a stack of its own.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { build, stop as stopEsbuild, version as esbuildVersion } from 'esbuild';

export interface BundleInput {
  /** The handler module, relative to the repository root. */
  readonly entry: string;
  /** A folder (relative to the root) the handler expects next to its bundle, as the deployed function has it. */
  readonly assets?: string;
}

export interface FunctionBundles {
  /** The worker runtime (function-runtime.ts), bundled. */
  readonly runtime: string;
  /** The S3 stand-in's thread (s3-worker.ts), bundled (s3rver itself is loaded from node_modules). */
  readonly s3Worker: string;
  /** Absolute path of the bundle of each entry. */
  bundleOf(entry: string): string;
}

const RUNTIME_ENTRY = 'lib/local/function-runtime.ts';
const S3_WORKER_ENTRY = 'lib/local/s3-worker.ts';
/** Folders whose sources can end up in a bundle; with package.json and the lockfile, the cache key. */
const SOURCE_DIRS = ['lambdas', 'lib'];
/** Cache folders untouched this long are removed. */
const STALE_MS = 24 * 3600_000;

const outPath = (dir: string, entry: string) => join(dir, entry.replace(/\.ts$/, '.mjs'));

function sourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const item of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = join(dir, item.name);
      if (item.isDirectory()) walk(path);
      else if (item.isFile()) out.push(path);
    }
  };
  for (const dir of SOURCE_DIRS) walk(dir);
  return [...out.sort(), 'package.json', 'package-lock.json'].filter((f) => existsSync(join(root, f)));
}

function cacheKey(root: string, inputs: readonly BundleInput[]): string {
  const hash = createHash('sha256').update(`esbuild ${esbuildVersion}\n${JSON.stringify(inputs)}\n`);
  for (const file of sourceFiles(root)) hash.update(`${file}\n`).update(readFileSync(join(root, file)));
  return hash.digest('hex').slice(0, 16);
}

/** Bundles `inputs` (and the runtime) unless an up-to-date cache has them. */
export async function functionBundles(root: string, inputs: readonly BundleInput[]): Promise<FunctionBundles> {
  const cache = join(root, 'node_modules/.cache/zipjobs-local');
  const dir = join(cache, cacheKey(root, inputs));
  if (!existsSync(join(dir, 'complete'))) {
    mkdirSync(cache, { recursive: true });
    // Built aside and renamed into place: stacks starting at once (test files) never see half a cache.
    const building = `${dir}.${process.pid}-${randomBytes(4).toString('hex')}`;
    await build({
      entryPoints: [RUNTIME_ENTRY, S3_WORKER_ENTRY, ...inputs.map((i) => i.entry)].map((e) => join(root, e)),
      absWorkingDir: root,
      outbase: root,
      outdir: building,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      splitting: true,
      platform: 'node',
      target: `node${process.versions.node.split('.')[0]}`,
      format: 'esm',
      mainFields: ['module', 'main'],
      // Only the S3 stand-in's thread imports it; loaded from node_modules as is (CommonJS, with its own dependencies).
      external: ['s3rver'],
      // As the deployed bundles have it: CommonJS packages inside an ESM bundle still find `require`.
      banner: { js: "import { createRequire as __zipjobsCreateRequire } from 'node:module'; const require = __zipjobsCreateRequire(import.meta.url);" },
      // No source maps: Node parses them at every load (megabytes for the AWS SDK). Unminified, a stack trace stays readable.
      sourcemap: false,
      logLevel: 'error',
    }).finally(() => stopEsbuild()); // its service process would otherwise idle for as long as the stack runs
    for (const { entry, assets } of inputs) {
      if (assets) symlinkSync(join(root, assets), join(dirname(outPath(building, entry)), basename(assets)), 'dir');
    }
    writeFileSync(join(building, 'complete'), '');
    try {
      renameSync(building, dir);
    } catch {
      rmSync(building, { recursive: true, force: true }); // another stack built the same sources first
    }
  }
  const now = new Date();
  utimesSync(dir, now, now);
  for (const other of readdirSync(cache)) {
    const path = join(cache, other);
    if (path !== dir && Date.now() - statSync(path).mtimeMs > STALE_MS) rmSync(path, { recursive: true, force: true });
  }
  return { runtime: outPath(dir, RUNTIME_ENTRY), s3Worker: outPath(dir, S3_WORKER_ENTRY), bundleOf: (entry) => outPath(dir, relative(root, join(root, entry))) };
}
