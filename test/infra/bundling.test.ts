import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HouseFunction } from '../../lib/constructs/house-function';
import type { FunctionName } from '../../lib/functions';
import { functionIds, resourcesOf } from './synth';
import { Template } from 'aws-cdk-lib/assertions';

/**
 * The one infra test that bundles for real (the others skip esbuild): two
 * representative functions, an API handler (middy, the DynamoDB SDK, the
 * CommonJS-in-ESM banner) and the workflow's BuildZip, each bundled into two
 * assemblies in different folders. Bundling every function would take
 * minutes; they all go through the same HouseFunction.
 */
const bundled: readonly FunctionName[] = ['Health', 'BuildZip'];
const BANNER = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

interface Bundle {
  readonly outdir: string;
  /** Per function: its asset's hash (the object key of its code) and the asset's folder. */
  readonly assets: Record<string, { hash: string; dir: string }>;
}

function synthBundled(outdir: string): Bundle {
  const app = new App({ outdir });
  const stack = new Stack(app, 'Bundled');
  const env = { TABLE_NAME: 't', BUCKET_NAME: 'b', ALLOW_PRIVATE_ADDRESSES: 'false', BUCKET_SECRET_PREFIX: 'zipjobs/x/buckets/' } as const;
  new HouseFunction(stack, 'Health', { name: 'Health', environment: {} });
  new HouseFunction(stack, 'BuildZip', { name: 'BuildZip', environment: env });
  app.synth();
  const template = Template.fromStack(stack);
  const lambdas = resourcesOf(template, 'AWS::Lambda::Function');
  const assets: Bundle['assets'] = {};
  for (const [name, id] of Object.entries(functionIds(template))) {
    const key = String(lambdas[id]!.Properties.Code.S3Key);
    const hash = key.replace(/\.zip$/, '');
    assets[name] = { hash, dir: join(outdir, `asset.${hash}`) };
  }
  return { outdir, assets };
}

const roots: string[] = [];
let first: Bundle;
let second: Bundle;
beforeAll(() => {
  const a = mkdtempSync(join(tmpdir(), 'zipjobs-bundle-'));
  const b = mkdtempSync(join(tmpdir(), 'zipjobs-bundle-other-'));
  roots.push(a, b);
  first = synthBundled(join(a, 'cdk.out'));
  // Another folder at another depth: the assets must not notice.
  second = synthBundled(join(b, 'deeper', 'still', 'cdk.out'));
}, 240_000);
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

describe('bundled functions (real esbuild)', () => {
  it.each(bundled)('%s: the bundle starts with the require() banner and exports `handler`', async (name) => {
    const code = readFileSync(join(first.assets[name]!.dir, 'index.mjs'), 'utf8');
    expect(code.startsWith(BANNER)).toBe(true);
    const result = await build({ entryPoints: [join(first.assets[name]!.dir, 'index.mjs')], bundle: false, write: false, metafile: true, format: 'esm', outdir: 'out', logLevel: 'silent' });
    expect(Object.values(result.metafile.outputs)[0]?.exports).toContain('handler');
    expect(code).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
  });

  it.each(bundled)('%s: its source map names sources relative to the repository, never the output folder', (name) => {
    const map = JSON.parse(readFileSync(join(first.assets[name]!.dir, 'index.mjs.map'), 'utf8')) as { sources: string[]; sourcesContent?: unknown };
    expect(map.sources.length).toBeGreaterThan(0);
    expect(map.sources).toContain(
      name === 'Health' ? 'lambdas/handlers/api/health.ts' : 'lambdas/handlers/workflow/build-zip.ts',
    );
    for (const source of map.sources) expect(source, source).toMatch(/^(lambdas|lib|node_modules)\//);
    expect(map.sourcesContent).toBeUndefined();
  });

  it.each(bundled)('%s: its asset hash does not depend on the folder the app is synthesized to', (name) => {
    expect(second.assets[name]!.hash).toBe(first.assets[name]!.hash);
  });
});
