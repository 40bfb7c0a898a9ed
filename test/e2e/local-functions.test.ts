/**
 * The local stack's Lambda stand-in (lib/local/local-functions.ts): each
 * function in worker threads of its own, with only its spec's variables,
 * warm between invocations, on several cores at once; errors, failed cold
 * starts and crashed environments reported as Lambda reports them.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionSpecs } from '../../lib/functions';
import { functionEnvironment } from '../../lib/local/function-env';
import { functionBundles } from '../../lib/local/function-bundles';
import { LocalFunctions } from '../../lib/local/local-functions';
import { LocalStepFunctions } from '../../lib/local/step-functions';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = (name: string) => join(ROOT, 'test/e2e/support/functions', name);

// What the local stack has for its functions; each gets only what its spec lists.
const stackValues = { TABLE_NAME: 'zipjobs', BUCKET_NAME: 'zipjobs-local', STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:zipjobs-local' };
const runtime = { AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:1' };
const operator = { ...process.env, STATE_MACHINE_ARN: 'from the shell', PATH: process.env.PATH, ZIPJOBS_LOG_FORMAT: 'json', POWERTOOLS_SERVICE_NAME: 'zipjobs-test' };

type Seen = { env: Record<string, string>; threadId: number; invocations: number; start: number; end: number; functionName: string; remainingMs: number };

let functions: LocalFunctions;
let runtimeScript: string;
const marks = mkdtempSync(join(tmpdir(), 'zipjobs-local-functions-'));
const mark = (name: string) => join(marks, name);
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

beforeAll(async () => {
  ({ runtime: runtimeScript } = await functionBundles(ROOT, []));
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
  rmSync(marks, { recursive: true, force: true });
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

  it('stops a handler past its time limit as Lambda does: Sandbox.Timedout at the deadline, its environment ended, the handler never resumes', async () => {
    const error = await functions.invoke('ReadsTable', { sleepMs: 1000, mark: mark('alone') }, 200).catch((e: unknown) => e);
    const failedAt = Date.now();
    expect(error).toMatchObject({ name: 'Sandbox.Timedout', message: expect.stringMatching(/^RequestId: [0-9a-f-]{36} Error: Task timed out after 0\.20 seconds$/) });
    const stopped = readFileSync(mark('alone'), 'utf8');
    expect(stopped).toMatch(/^\d+$/); // failed while the handler slept
    // Both environments busy at once: neither is the stopped one.
    const next = (await Promise.all([0, 1].map(() => functions.invoke('ReadsTable', { busyMs: 100 }, 5000)))) as Seen[];
    expect(next.map((r) => String(r.threadId))).not.toContain(stopped);
    // Past the time it would have woken (its deadline came 200 ms after it started): it never did.
    await sleep(failedAt + 1000 - Date.now());
    expect(readFileSync(mark('alone'), 'utf8')).toBe(stopped);
  });

  it('lets the other invocations of a shared environment finish, sends it no new one, and ends it after them', async () => {
    const shared = new LocalFunctions({ runtime: runtimeScript, maxWorkers: 1, functions: { ReadsTable: { entry: fixture('env.mjs'), memoryMb: 128, arn: 'x', environment: () => ({}) } } });
    try {
      const other = shared.invoke('ReadsTable', { sleepMs: 500 }, 5000) as Promise<Seen>;
      await expect(shared.invoke('ReadsTable', { sleepMs: 1200, mark: mark('shared') }, 150)).rejects.toMatchObject({ name: 'Sandbox.Timedout' });
      const failedAt = Date.now();
      const meanwhile = (await shared.invoke('ReadsTable', {}, 5000)) as Seen;
      const survivor = await other;
      expect(survivor.threadId).toBe(Number(readFileSync(mark('shared'), 'utf8')));
      expect(meanwhile.threadId).not.toBe(survivor.threadId);
      // Past the time the timed-out handler would have woken: its environment ended with the other invocation.
      await sleep(failedAt + 1350 - Date.now());
      expect(readFileSync(mark('shared'), 'utf8')).toBe(String(survivor.threadId));
    } finally {
      await shared.close();
    }
  });

  it("stops a handler at its limit, not at the shorter time its context may be given (a test's budget)", async () => {
    const seen = (await functions.invoke('ReadsTable', { sleepMs: 400 }, 5000, 200)) as Seen;
    expect(seen.remainingMs).toBe(0);
  });

  it("hands a timeout to the state machine as Lambda does: a Retry on Sandbox.Timedout retries it, then a Catch gets its error and cause", async () => {
    const arn = 'arn:aws:lambda:us-east-1:000000000000:function:Slow';
    let calls = 0;
    const machine = new LocalStepFunctions(
      {
        StartAt: 'Slow',
        States: {
          Slow: {
            Type: 'Task',
            Resource: arn,
            Retry: [{ ErrorEquals: ['Sandbox.Timedout'], IntervalSeconds: 1, MaxAttempts: 1 }],
            Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Caught' }],
            End: true,
          },
          Caught: { Type: 'Pass', End: true },
        },
      },
      {
        stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:timeouts',
        lambdas: new Map([[arn, (payload: unknown) => (calls++, functions.invoke('ReadsTable', payload, 150))]]),
        readJson: () => Promise.reject(new Error('no S3 here')),
      },
    );
    const { executionArn } = machine.startExecution({ stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:timeouts', input: JSON.stringify({ sleepMs: 1000 }) });
    await machine.idle();
    const execution = machine.describeExecution(executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    expect(calls).toBe(2);
    expect(JSON.parse(execution.output!).error).toEqual({ Error: 'Sandbox.Timedout', Cause: expect.stringContaining('Task timed out after 0.15 seconds') });
  });

  it('refuses invocations once closed', async () => {
    const closing = new LocalFunctions({ runtime: (await functionBundles(ROOT, [])).runtime, functions: { ReadsTable: { entry: fixture('env.mjs'), memoryMb: 128, arn: 'x', environment: () => ({}) } } });
    await closing.invoke('ReadsTable', {}, 5000);
    await closing.close();
    await expect(closing.invoke('ReadsTable', {}, 5000)).rejects.toThrow('the local stack stopped');
  });

  it('fails an invocation whose environment is still starting when it closes, and leaves no rejection unhandled', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      const closing = new LocalFunctions({ runtime: runtimeScript, functions: { ReadsTable: { entry: fixture('env.mjs'), memoryMb: 128, arn: 'x', environment: () => ({}) } } });
      const starting = closing.invoke('ReadsTable', {}, 5000); // a cold start, not ready yet
      await closing.close();
      await expect(starting).rejects.toThrow('the local stack stopped');
      await sleep(50);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', listener);
    }
  });
});
