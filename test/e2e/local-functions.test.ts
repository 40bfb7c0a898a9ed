/**
 * The local stack's Lambda stand-in (lib/local/local-functions.ts): each
 * function in worker threads of its own, with only its spec's variables,
 * warm between invocations, on several cores at once; errors, failed cold
 * starts and crashed environments reported as Lambda reports them.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionSpecs } from '../../lib/functions';
import { functionEnvironment } from '../../lib/local/function-env';
import { functionBundles } from '../../lib/local/function-bundles';
import { LocalFunctions } from '../../lib/local/local-functions';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = (name: string) => join(ROOT, 'test/e2e/support/functions', name);

// What the local stack has for its functions; each gets only what its spec lists.
const stackValues = { TABLE_NAME: 'zipjobs', BUCKET_NAME: 'zipjobs-local', STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:zipjobs-local' };
const runtime = { AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:1' };
const operator = { ...process.env, STATE_MACHINE_ARN: 'from the shell', PATH: process.env.PATH, ZIPJOBS_LOG_FORMAT: 'json', POWERTOOLS_SERVICE_NAME: 'zipjobs-test' };

type Seen = { env: Record<string, string>; threadId: number; invocations: number; start: number; end: number; functionName: string; remainingMs: number };

let functions: LocalFunctions;

beforeAll(async () => {
  const { runtime: runtimeScript } = await functionBundles(ROOT, []);
  const spec = (entry: string, names: readonly string[]) => ({
    entry: fixture(entry),
    memoryMb: 128,
    arn: 'arn:aws:lambda:us-east-1:000000000000:function:Fixture',
    environment: () => functionEnvironment({ names, stackValues, runtime, operator }),
  });
  functions = new LocalFunctions({
    runtime: runtimeScript,
    maxWorkers: 2,
    functions: { ReadsTable: spec('env.mjs', ['TABLE_NAME']), Broken: spec('broken.mjs', ['TABLE_NAME']) },
  });
});

afterAll(async () => {
  await functions?.close();
});

describe('the local Lambda stand-in', () => {
  it("gives a function only its spec's variables and the runtime's: one outside its spec is unset, as on AWS", async () => {
    const seen = (await functions.invoke('ReadsTable', {}, 5000)) as Seen;
    expect(seen.env.TABLE_NAME).toBe('zipjobs');
    // In the stack's values and in the shell the stack runs in, but not in the spec: unset.
    expect(seen.env.STATE_MACHINE_ARN).toBeUndefined();
    expect(seen.env.BUCKET_NAME).toBeUndefined();
    // The runtime's variables (AWS_LAMBDA_MAX_CONCURRENCY: its invocation store's), the telemetry and local settings the stack passes on, the spec's one.
    const passedOn = Object.keys(operator).filter((k) => /^(ZIPJOBS|POWERTOOLS)_/.test(k));
    expect(Object.keys(seen.env).sort()).toEqual([...Object.keys(runtime), 'AWS_LAMBDA_MAX_CONCURRENCY', ...passedOn, 'TABLE_NAME'].sort());
    expect(seen.functionName).toBe('ReadsTable');
    expect(seen.remainingMs).toBeGreaterThan(0);
    expect(seen.remainingMs).toBeLessThanOrEqual(5000);
  });

  it("builds every function's environment from its own spec in lib/functions.ts", () => {
    for (const [name, spec] of Object.entries(functionSpecs)) {
      const env = functionEnvironment({ names: spec.env, stackValues, runtime, operator: {} });
      const expected = [...Object.keys(runtime), ...spec.env.filter((v: string) => v in stackValues)].sort();
      expect(Object.keys(env).sort(), name).toEqual(expected);
    }
  });

  it('keeps a function warm: the next invocation runs in the same environment, its module state kept', async () => {
    const first = (await functions.invoke('ReadsTable', {}, 5000)) as Seen;
    const second = (await functions.invoke('ReadsTable', {}, 5000)) as Seen;
    expect(second.threadId).toBe(first.threadId);
    expect(second.invocations).toBe(first.invocations + 1);
  });

  it('runs invocations at once on separate threads, up to maxWorkers, then shares them', async () => {
    const runs = (await Promise.all([0, 1, 2].map(() => functions.invoke('ReadsTable', { busyMs: 100 }, 5000)))) as Seen[];
    expect(new Set(runs.map((r) => r.threadId)).size).toBe(2);
    // Both environments warm now: two invocations at once overlap in time, side by side rather than one after the other.
    const [a, b] = ((await Promise.all([0, 1].map(() => functions.invoke('ReadsTable', { busyMs: 500 }, 5000)))) as Seen[]).sort((x, y) => x.start - y.start);
    expect(b!.threadId).not.toBe(a!.threadId);
    expect(b!.start).toBeLessThan(a!.end);
  });

  it('rejects with the error the handler threw: its name, message and fields', async () => {
    const error = await functions.invoke('ReadsTable', { throw: { name: 'SourceChanged', message: 'the source changed', detail: { etag: '"x"' } } }, 5000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'SourceChanged', message: 'the source changed', detail: { etag: '"x"' } });
  });

  it("fails each invocation with a module's load error, and tries a fresh environment the next time", async () => {
    for (let i = 0; i < 2; i++) {
      await expect(functions.invoke('Broken', {}, 5000)).rejects.toThrow('invalid environment: TABLE_NAME: zipjobs');
    }
  });

  it('fails the invocation whose handler ends its environment, and starts a fresh one for the next', async () => {
    const before = (await functions.invoke('ReadsTable', {}, 5000)) as Seen;
    await expect(functions.invoke('ReadsTable', { exit: 3 }, 5000)).rejects.toMatchObject({ name: 'Runtime.ExitError' });
    const after = (await functions.invoke('ReadsTable', {}, 5000)) as Seen;
    expect(after.env.TABLE_NAME).toBe('zipjobs');
    expect(after.threadId).not.toBe(before.threadId);
  });

  it('refuses invocations once closed', async () => {
    const closing = new LocalFunctions({ runtime: (await functionBundles(ROOT, [])).runtime, functions: { ReadsTable: { entry: fixture('env.mjs'), memoryMb: 128, arn: 'x', environment: () => ({}) } } });
    await closing.invoke('ReadsTable', {}, 5000);
    await closing.close();
    await expect(closing.invoke('ReadsTable', {}, 5000)).rejects.toThrow('the local stack stopped');
  });
});
