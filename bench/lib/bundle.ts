/**
 * Bundles an entry the way the CDK stack does (lib/constructs/house-function.ts:
 * NodejsFunction with ESM output, minify, source maps without sources, target
 * node22, main fields module,main, the createRequire banner, nothing external)
 * by calling the same esbuild with the same options.
 */
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const repoRoot = resolve(fileURLToPath(new URL('../../', import.meta.url)));

export interface Bundle {
  /** The bundle, `index.mjs` as NodejsFunction names ESM output. */
  readonly file: string;
  readonly bytes: number;
  readonly mapBytes: number;
  /** Source files in the bundle, relative to the repository root. */
  readonly inputs: readonly string[];
  /** Output bytes by origin: an npm package (`@aws-sdk/*` grouped as one), or `project` for the repository's own code. */
  readonly bytesByOrigin: Readonly<Record<string, number>>;
}

function origin(input: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (!m) return 'project';
  const pkg = m[1]!;
  return pkg.startsWith('@aws-sdk/') || pkg.startsWith('@smithy/') || pkg.startsWith('@aws-crypto/') ? 'AWS SDK' : pkg;
}

export async function bundleLikeCdk(entry: string, outdir: string): Promise<Bundle> {
  const file = join(outdir, 'index.mjs');
  const result = await build({
    entryPoints: [resolve(repoRoot, entry)],
    absWorkingDir: repoRoot,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    outfile: file,
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    external: [],
    metafile: true,
    logLevel: 'error',
  });
  const bytesByOrigin: Record<string, number> = {};
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      bytesByOrigin[origin(input)] = (bytesByOrigin[origin(input)] ?? 0) + bytesInOutput;
    }
  }
  return {
    file,
    bytes: statSync(file).size,
    mapBytes: statSync(`${file}.map`).size,
    inputs: Object.keys(result.metafile.inputs),
    bytesByOrigin,
  };
}
