/**
 * Metrics: what the use cases count for each outcome (through the port, with
 * a recorder), and the embedded-metric lines the Lambda adapter writes for
 * each (captured from stdout, as CloudWatch reads them).
 */
process.env.ZIPJOBS_QUIET = 'true';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Bin, Job, JobStatus, ZipRecord, ZipStatus } from '../../lambdas/core/jobs/model';
import type { OperationalMetrics } from '../../lambdas/core/metrics';
import { afterAttempt, deliveryOutcome } from '../../lambdas/core/webhooks/delivery';
import { buildZip } from '../../lambdas/usecases/build-zip';
import { createJob, type CreateJobDeps } from '../../lambdas/usecases/create-job';
import { DEFAULT_PLAN } from '../../lambdas/core/plans';
import { notify, type NotifyDeps } from '../../lambdas/usecases/notify';
import { workflowEnded } from '../../lambdas/usecases/workflow-ended';
import { finalize } from '../../lambdas/usecases/workflow/finalize';
import { markJobFailed } from '../../lambdas/usecases/workflow/mark-job-failed';
import { FaultServer } from '../e2e/support/fault-server';
import { buildZipSetup } from '../support/build-zip-harness';
import { FakeS3 } from '../support/fake-s3';
import { exampleJob } from '../support/job-fixture';
import { memoryBlobStore } from '../support/memory-blobs';
import { memoryJobLists } from '../support/memory-lists';
import { memoryJobExpiry, memoryJobStore, memoryWebhookStore } from '../support/memory-stores';

type Call = [keyof OperationalMetrics, ...unknown[]];
function recorder() {
  const calls: Call[] = [];
  const metrics = new Proxy({} as OperationalMetrics, { get: (_t, name) => (...args: unknown[]) => void calls.push([name as keyof OperationalMetrics, ...args]) });
  return { metrics, calls };
}

const CREATED = '2026-11-23T12:00:00.000Z';
const NOW = new Date('2026-11-23T12:00:42.500Z');

function workflowSetup(status: JobStatus, zipStatuses: ZipStatus[]) {
  const job = exampleJob({ id: 'j1', tenant_id: 't1', status, run: 1, errors: [], created_at: CREATED, options: { fail_on_zip_error: false, mode: 'stored' } as Job['options'] });
  const store = memoryJobStore([job]);
  zipStatuses.forEach((s, i) => store.zipsOf('j1').set(i + 1, { job_id: 'j1', sequence: i + 1, status: s, errors: [], size: s === 'completed' ? 10 : null, file_count: 1 } as unknown as ZipRecord));
  const { metrics, calls } = recorder();
  const deps = { store, lists: memoryJobLists(), blobs: memoryBlobStore(), now: () => NOW, metrics, workflow: { start: async () => undefined }, webhooks: { recordDelivery: async () => undefined } };
  return { deps, calls };
}

/** CreateJob's deps over the in-memory stores, every job taking the id `fixed-id`. */
function createSetup(metrics: OperationalMetrics, start: () => Promise<void> = async () => undefined) {
  const store = memoryJobStore();
  const deps: CreateJobDeps = { store, expiry: memoryJobExpiry(store), blobs: memoryBlobStore(), workflow: { start }, now: () => NOW, newId: () => 'fixed-id', metrics };
  return { store, deps };
}

describe('jobs counted as they are created and end', () => {
  it('CreateJob counts a job it created, and not one an earlier request with the same id created', async () => {
    const { metrics, calls } = recorder();
    const { deps } = createSetup(metrics);
    const tenant = { id: 't1', plan: DEFAULT_PLAN };
    await createJob(deps, tenant, { urls: ['https://example.com/a.pdf'] });
    await createJob(deps, tenant, { urls: ['https://example.com/a.pdf'] });
    expect(calls).toEqual([['jobCreated']]);
  });

  it('CreateJob counts a job whose workflow could not be started as failed (start-failed), once', async () => {
    const { metrics, calls } = recorder();
    const { store, deps } = createSetup(metrics, async () => {
      throw new Error('StartExecution refused');
    });
    await expect(createJob(deps, { id: 't1', plan: DEFAULT_PLAN }, { urls: ['https://example.com/a.pdf'] })).rejects.toThrow('StartExecution refused');
    expect((await store.getJob('fixed-id'))!.status).toBe('failed');
    expect(calls).toEqual([['jobCreated'], ['jobEnded', 'failed', 'start-failed', expect.any(Number)]]);
  });

  it('Finalize counts a completed job with its latency from creation, once', async () => {
    const t = workflowSetup('processing', ['completed']);
    await finalize(t.deps, 'j1');
    await finalize(t.deps, 'j1');
    expect(t.calls).toEqual([['jobEnded', 'completed', undefined, 42_500]]);
  });

  it('Finalize counts a job whose ZIPs failed as failed by its ZIPs', async () => {
    const t = workflowSetup('processing', ['failed']);
    await finalize(t.deps, 'j1');
    expect(t.calls).toEqual([['jobEnded', 'failed', 'zips', 42_500]]);
  });

  it.each([
    [{ Error: 'States.Timeout' }, 'timeout'],
    [{ Error: 'Lambda.Unknown' }, 'internal'],
  ])('a job-level fault %o counts a failed job by cause %s; an ended job is not counted again', async (error, cause) => {
    const t = workflowSetup('processing', ['processing']);
    await markJobFailed(t.deps, 'j1', error);
    await markJobFailed(t.deps, 'j1', error);
    expect(t.calls).toEqual([['jobEnded', 'failed', cause, 42_500]]);
  });

  it('an execution that ended early counts its job failed by execution-ended', async () => {
    const t = workflowSetup('processing', ['pending']);
    expect(await workflowEnded(t.deps, { job_id: 'j1', name: 'j1-1', status: 'ABORTED' })).toBe('job-failed');
    expect(t.calls).toEqual([['jobEnded', 'failed', 'execution-ended', 42_500]]);
  });
});

describe('BuildZip counts', () => {
  const sources = new FaultServer();
  beforeAll(() => sources.start());
  afterAll(() => sources.stop());

  it('each file fetched, each file left out by its error class, and the finished ZIP’s bytes', async () => {
    const bin: Bin = {
      zip_id: 'z1',
      sequence: 1,
      filename: 'out.zip',
      entries: [
        { index: 0, url: sources.set('/m/a.txt', { body: Buffer.from('hello') }), filename: 'a.txt' },
        { index: 1, url: sources.set('/m/gone.txt', { body: Buffer.from('x'), failFirst: { count: 99, status: 404 } }), filename: 'gone.txt' },
        { index: 2, url: sources.set('/m/b.txt', { body: Buffer.from('world!') }), filename: 'b.txt' },
      ],
    };
    const { deps, zips } = buildZipSetup(new FakeS3(), bin, { fail_on_url_error: false });
    const { metrics, calls } = recorder();
    expect(await buildZip({ ...deps, metrics }, 'job-1', { zip_id: 'z1', sequence: 1, bin_key: 'bins/x' })).toEqual({ done: true });
    const size = zips.get(1)!.size;
    expect(calls).toEqual([['fileFetched'], ['sourceFailed', 'http'], ['fileFetched'], ['zipBuilt', size]]);
  });

  it('a checkpoint when the run’s time is up before the last file', async () => {
    const bin: Bin = {
      zip_id: 'z1',
      sequence: 1,
      filename: 'out.zip',
      entries: [0, 1].map((i) => ({ index: i, url: sources.set(`/m/slow-${i}.bin`, { body: Buffer.alloc(400, 1), chunkSize: 100, delayMs: 100 }), filename: `${i}.bin` })),
    };
    const { deps } = buildZipSetup(new FakeS3(), bin);
    const { metrics, calls } = recorder();
    // Time is up while the first file is still arriving: the build pauses and saves where it is.
    const budget = { stopAt: Date.now() + 150 };
    expect(await buildZip({ ...deps, metrics }, 'job-1', { zip_id: 'z1', sequence: 1, bin_key: 'bins/x' }, budget)).toEqual({ done: false });
    expect(calls.map(([name]) => name)).toContain('checkpointTaken');
    expect(calls.map(([name]) => name)).not.toContain('zipBuilt');
  });
});

describe('webhook deliveries counted by outcome', () => {
  const at = { now: NOW, random: 0.5 };
  const first = { id: 'msg_1', attempts: 0 };
  it.each([
    [{ kind: 'response', status: 204 }, 'delivered'],
    [{ kind: 'response', status: 503 }, 'retrying'],
    [{ kind: 'response', status: 410 }, 'gone'],
    [{ kind: 'error', error: 'blocked address', permanent: true }, 'failed'],
  ] as const)('%o → %s', (outcome, counted) => {
    expect(deliveryOutcome(afterAttempt(first, outcome, at).delivery)).toBe(counted);
  });

  it('Notify counts the attempt it made (a URL it may not call fails the delivery for good)', async () => {
    const job = exampleJob({ id: 'j1', tenant_id: 't1', status: 'completed', run: 1, options: { ...exampleJob().options, webhook_url: 'http://127.0.0.1:9/hook' } });
    const { metrics, calls } = recorder();
    const unreachable = async (): Promise<never> => {
      throw new Error('a blocked URL is not called');
    };
    const deps: NotifyDeps = {
      store: memoryJobStore([job]),
      lists: memoryJobLists(),
      blobs: memoryBlobStore(),
      signingKeys: unreachable,
      webhooks: memoryWebhookStore([{ tenant_id: 't1', url: null, secret: 'whsec_x', updated_at: CREATED }]),
      baseUrl: 'https://zips.example',
      policy: { allowPrivateAddresses: false },
      post: unreachable,
      now: () => NOW,
      random: () => 0.5,
      randomBytes: () => Buffer.alloc(32),
      metrics,
    };
    await notify(deps, 'j1');
    expect(calls).toEqual([['webhookAttempted', 'failed']]);
  });
});

describe('the Lambda adapter’s embedded metrics', () => {
  async function emitted(fn: (m: OperationalMetrics) => void): Promise<Record<string, unknown>[]> {
    vi.resetModules();
    process.env.POWERTOOLS_METRICS_NAMESPACE = 'zipjobs-test';
    process.env.POWERTOOLS_SERVICE_NAME = 'zipjobs';
    delete process.env.POWERTOOLS_METRICS_DISABLED;
    const { powertoolsMetrics, publishMetrics } = await import('../../lambdas/adapters/metrics');
    const lines: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
    try {
      fn(powertoolsMetrics);
      publishMetrics();
    } finally {
      spy.mockRestore();
    }
    return lines.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  }
  /** Each line's metrics as {name: value} with its dimensions. */
  const flat = (lines: Record<string, unknown>[]) =>
    lines.map((line) => {
      const aws = line._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
      const [directive] = aws.CloudWatchMetrics;
      const dims = Object.fromEntries(directive!.Dimensions[0]!.map((d) => [d, line[d]]));
      const values = Object.fromEntries(directive!.Metrics.map((m) => [m.Name, [line[m.Name], m.Unit]]));
      return { namespace: directive!.Namespace, dims, values };
    });

  it('counts, bytes and latency share one line per invocation under the service dimension', async () => {
    const lines = await emitted((m) => {
      m.jobCreated();
      m.jobEnded('completed', undefined, 1200);
      m.fileFetched();
      m.fileFetched();
      m.zipBuilt(5000);
      m.checkpointTaken();
      m.streamBytesSent(777);
    });
    expect(flat(lines)).toEqual([
      {
        namespace: 'zipjobs-test',
        dims: { service: 'zipjobs' },
        values: {
          JobsCreated: [1, 'Count'],
          JobsCompleted: [1, 'Count'],
          JobLatency: [1200, 'Milliseconds'],
          FilesFetched: [[1, 1], 'Count'],
          ZipsBuilt: [1, 'Count'],
          BytesZipped: [5000, 'Bytes'],
          Checkpoints: [1, 'Count'],
          StreamBytesSent: [777, 'Bytes'],
        },
      },
    ]);
  });

  it.each([
    ['a failed job, by cause', (m: OperationalMetrics) => m.jobEnded('failed', 'timeout', 5), 'JobsFailed', { cause: 'timeout' }],
    ['a source error, by class', (m: OperationalMetrics) => m.sourceFailed('blocked'), 'SourceErrors', { error_class: 'blocked' }],
    ['a webhook attempt, by outcome', (m: OperationalMetrics) => m.webhookAttempted('failed'), 'WebhookDeliveries', { outcome: 'failed' }],
  ] as const)('%s: a line of its own with the class as a dimension', async (_label, emit, name, dimension) => {
    const lines = flat(await emitted(emit));
    expect(lines).toContainEqual({ namespace: 'zipjobs-test', dims: { service: 'zipjobs', ...dimension }, values: { [name]: [1, 'Count'] } });
  });

  it('writes nothing for an invocation that counted nothing', async () => {
    expect(await emitted(() => undefined)).toEqual([]);
  });
});
