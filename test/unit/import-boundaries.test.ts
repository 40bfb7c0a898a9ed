/**
 * The layers' rule, checked on the source: the core and the use cases never
 * reach AWS themselves (no AWS SDK import, no process.env); they get what
 * they need through the ports their callers hand them.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/** Every module specifier a file imports or re-exports, statically or dynamically. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)) {
    found.push(m[1] ?? m[2] ?? m[3]!);
  }
  return found;
}

describe('layer boundaries', () => {
  it.each(['lambdas/usecases', 'lambdas/core'])('no file under %s imports the AWS SDK or reads process.env', (dir) => {
    const files = sourceFiles(join(root, dir));
    expect(files.length).toBeGreaterThan(10);
    const offending = files.flatMap((file) => {
      const rel = relative(root, file);
      const sdk = importsOf(file).filter((s) => s.startsWith('@aws-sdk/') || s.startsWith('@smithy/'));
      const env = /\bprocess\.env\b/.test(readFileSync(file, 'utf8')) ? ['process.env'] : [];
      return [...sdk, ...env].map((what) => `${rel}: ${what}`);
    });
    expect(offending).toEqual([]);
  });

  it('finds the imports it checks for', () => {
    // The scan above would pass vacuously if it missed import forms: it must see these.
    expect(importsOf(join(root, 'lambdas/adapters/blob-store.ts'))).toContain('@aws-sdk/client-s3');
    expect(importsOf(join(root, 'lambdas/handlers/workflow/zip-sinks.ts'))).toContain('@aws-sdk/client-s3');
  });
});
