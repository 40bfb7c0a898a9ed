/**
 * The sweeper of unfinished jobs: which jobs it ends (the pure rule, as a
 * property), and the use case over in-memory stores whose conditional writes
 * behave like the table's, racing WorkflowEnded.
 */
process.env.ZIPJOBS_QUIET = 'true';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ExecutionLookup } from '../../lambdas/adapters/executions';
import type { UnfinishedJobs, UnfinishedMark } from '../../lambdas/adapters/unfinished-jobs';
import type { WorkflowInput } from '../../lambdas/adapters/workflow-starter';
import { isTerminal, JOB_STATUSES, type Job, type JobStatus, type ZipRecord, type ZipStatus } from '../../lambdas/core/jobs/model';
import { ENDED_MESSAGES, endingOf, sweepStep, type ExecutionState } from '../../lambdas/core/jobs/sweep';
import { sweepJobs, type SweepDeps } from '../../lambdas/usecases/sweep-jobs';
import { workflowEnded } from '../../lambdas/usecases/workflow-ended';
import { memoryBlobStore } from '../support/memory-blobs';
import { memoryJobLists } from '../support/memory-lists';
import { memoryJobStore, memoryUsageFlags, memoryUsageStore } from '../support/memory-stores';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const GRACE_MS = 300_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
const EXECUTION_STATES: ExecutionState[] = ['RUNNING', 'PENDING_REDRIVE', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'MISSING'];

describe('which jobs the sweeper ends (pure rule)', () => {
  it('ends exactly the unfinished jobs past the grace period whose execution is not running', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...JOB_STATUSES),
        fc.integer({ min: -60_000, max: 3 * GRACE_MS }),
        fc.integer({ min: 0, max: 2 * GRACE_MS }),
        fc.constantFrom(...EXECUTION_STATES),
        (status, ageMs, graceMs, execution) => {
          const step = sweepStep({ status }, ago(ageMs), NOW, graceMs);
          const ends = step === 'look' && endingOf(execution) !== null;
          expect(ends).toBe(!isTerminal(status) && ageMs >= graceMs && execution !== 'RUNNING' && execution !== 'PENDING_REDRIVE');
          if (isTerminal(status)) expect(step).toBe('forget');
        },
      ),
    );
  });

  it('forgets the mark of a job that is gone, and never looks at a run whose time it cannot read', () => {
    expect(sweepStep(undefined, ago(GRACE_MS * 2), NOW, GRACE_MS)).toBe('forget');
    expect(sweepStep({ status: 'processing' }, 'not a time', NOW, GRACE_MS)).toBe('wait');
  });

  it("ends a run with WorkflowEnded's reasons; one that succeeded without ending its job as a failure", () => {
    expect(endingOf('ABORTED')).toBe('ABORTED');
    expect(endingOf('TIMED_OUT')).toBe('TIMED_OUT');
    expect(endingOf('MISSING')).toBe('MISSING');
    expect(endingOf('SUCCEEDED')).toBe('FAILED');
  });
});

interface FakeJob {
  status: JobStatus;
  since: string;
  zips?: ZipStatus[];
  run?: number;
}

/** Jobs by id, their ZIPs and marks, in the in-memory job store; its status changes clear a job's mark as the table's store does. */
function world(jobs: Record<string, FakeJob>, executions: Record<string, ExecutionState> = {}) {
  const state = new Map<string, Job>();
  const marks = new Map<string, string>();
  for (const [id, j] of Object.entries(jobs)) {
    state.set(id, { id, tenant_id: 't1', status: j.status, run: j.run ?? 1, errors: [], zip_count: j.zips?.length ?? 0, options: { fail_on_zip_error: true, expires_in: 86_400, mode: 'stored' } } as unknown as Job);
    marks.set(id, j.since);
  }
  const transitions: [string, JobStatus][] = [];
  // The store holds the records of `state` themselves: a transition shows in them.
  const store = memoryJobStore([...state.values()], async (job) => {
    transitions.push([job.id, job.status]);
    if (isTerminal(job.status)) marks.delete(job.id);
  });
  for (const [id, j] of Object.entries(jobs)) {
    (j.zips ?? []).forEach((s, i) => store.zipsOf(id).set(i + 1, { job_id: id, sequence: i + 1, status: s, size: 1_000_000, file_count: 1, errors: [] } as unknown as ZipRecord));
  }
  const zips = (id: string) => [...store.zipsOf(id).values()].sort((a, b) => a.sequence - b.sequence);
  const unfinished: UnfinishedJobs = {
    mark: async (id, since) => void marks.set(id, since),
    markIfAbsent: async (id, since) => !marks.has(id) && Boolean(marks.set(id, since)),
    clear: async (id, since) => {
      if (since === undefined || marks.get(id) === since) marks.delete(id);
    },
    async *listBefore(before) {
      const listed: UnfinishedMark[] = [...marks].filter(([id, since]) => `${since}#${id}` < before).map(([job_id, since]) => ({ job_id, since }));
      yield* listed;
    },
  };
  const described: string[] = [];
  const lookup: ExecutionLookup = {
    state: async (name) => {
      described.push(name);
      return executions[name] ?? 'MISSING';
    },
  };
  const started: [string, WorkflowInput][] = [];
  const stored: number[] = [];
  const usage = memoryUsageStore();
  const deps: SweepDeps = {
    store,
    lists: memoryJobLists(),
    blobs: memoryBlobStore(),
    now: () => NOW,
    workflow: { start: async (name, input) => void started.push([name, input]) },
    webhooks: { recordDelivery: async () => undefined },
    storedUsage: { usage: { ...usage, addStored: async (tenant, month, gbDays) => (stored.push(gbDays), usage.addStored(tenant, month, gbDays)) }, flags: memoryUsageFlags(store) },
    unfinished,
    executions: lookup,
    graceMs: GRACE_MS,
  };
  return { deps, state, zips, marks, transitions, started, described, stored };
}

const OLD = ago(GRACE_MS + 60_000);
const J = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;

describe('sweepJobs', () => {
  it('fails an unfinished job whose execution is gone, with its unfinished ZIPs, and starts its webhook', async () => {
    const w = world({ [J(1)]: { status: 'processing', since: OLD, zips: ['completed', 'processing'] } });
    const report = await sweepJobs(w.deps, { stopAt: Infinity });
    expect(report).toMatchObject({ seen: 1, running: 0, errors: 0, complete: true, ended: [{ job_id: J(1), outcome: 'job-failed' }] });
    const job = w.state.get(J(1))!;
    expect(job.status).toBe('failed');
    expect(job.errors).toEqual([{ error: ENDED_MESSAGES.MISSING }]);
    expect(w.zips(J(1)).map((z) => [z.status, z.errors])).toEqual([
      ['completed', []],
      ['failed', [{ error: ENDED_MESSAGES.MISSING }]],
    ]);
    expect(w.started).toEqual([[`${J(1)}-1-notify`, { job_id: J(1), notify_only: true }]]);
    expect(w.marks.has(J(1))).toBe(false);
  });

  it.each([
    ['ABORTED', 'the job was stopped'],
    ['TIMED_OUT', 'the job timed out'],
    ['FAILED', 'the job failed because of an internal error'],
  ] as const)("fails a job whose execution ended %s with WorkflowEnded's message", async (execution, message) => {
    const w = world({ [J(1)]: { status: 'pending', since: OLD } }, { [`${J(1)}-1`]: execution });
    await sweepJobs(w.deps, { stopAt: Infinity });
    expect(w.state.get(J(1))!.errors).toEqual([{ error: message }]);
  });

  it('completes, as Finalize would, a job whose every ZIP was built when its run ended, and counts its storage', async () => {
    const w = world({ [J(1)]: { status: 'processing', since: OLD, zips: ['completed', 'completed'] } }, { [`${J(1)}-1`]: 'ABORTED' });
    const report = await sweepJobs(w.deps, { stopAt: Infinity });
    expect(report.ended).toEqual([{ job_id: J(1), outcome: 'job-completed' }]);
    expect(w.state.get(J(1))).toMatchObject({ status: 'completed', errors: [], file_count: 2, total_size: 2_000_000 });
    expect(w.stored).toHaveLength(2);
    expect(w.started).toEqual([[`${J(1)}-1-notify`, { job_id: J(1), notify_only: true }]]);
  });

  it('leaves young runs and running executions alone, and asks nothing about the young', async () => {
    const w = world(
      {
        [J(1)]: { status: 'preparing', since: ago(10_000) },
        [J(2)]: { status: 'processing', since: OLD, zips: ['processing'] },
        [J(3)]: { status: 'processing', since: OLD, run: 2 },
      },
      { [`${J(2)}-1`]: 'RUNNING', [`${J(3)}-2`]: 'PENDING_REDRIVE' },
    );
    const report = await sweepJobs(w.deps, { stopAt: Infinity });
    expect(report).toMatchObject({ seen: 2, running: 2, ended: [] });
    expect(w.described.sort()).toEqual([`${J(2)}-1`, `${J(3)}-2`]);
    expect(w.transitions).toEqual([]);
    expect(w.marks.size).toBe(3);
  });

  it('deletes the stale marks of ended or vanished jobs, and nothing else', async () => {
    const w = world({ [J(1)]: { status: 'completed', since: OLD }, [J(2)]: { status: 'failed', since: OLD } });
    w.marks.set(J(3), OLD); // its job is gone
    const report = await sweepJobs(w.deps, { stopAt: Infinity });
    expect(report).toMatchObject({ seen: 3, forgotten: 3, ended: [] });
    expect(w.marks.size).toBe(0);
    expect(w.described).toEqual([]);
    expect(w.started).toEqual([]);
  });

  it('keeps the newer mark of a job retried while it was being swept', async () => {
    const w = world({ [J(1)]: { status: 'failed', since: OLD } });
    const newer = ago(1_000);
    const getJob = w.deps.store.getJob;
    w.deps = { ...w.deps, store: { ...w.deps.store, getJob: async (id: string) => {
      const job = await getJob(id);
      w.marks.set(id, newer); // RetryJob marks the new run before moving the job
      return job;
    } } };
    await sweepJobs(w.deps, { stopAt: Infinity });
    expect(w.marks.get(J(1))).toBe(newer);
  });

  it('ends a job once when WorkflowEnded ends it at the same moment', async () => {
    const w = world({ [J(1)]: { status: 'processing', since: OLD, zips: ['processing'] } });
    // The rule's event arrives while the sweeper asks Step Functions.
    w.deps = { ...w.deps, executions: { state: async (name) => {
      await workflowEnded(w.deps, { job_id: J(1), name, status: 'ABORTED' });
      return 'ABORTED';
    } } };
    const report = await sweepJobs(w.deps, { stopAt: Infinity });
    expect(w.transitions).toEqual([[J(1), 'failed']]);
    expect(w.state.get(J(1))!.errors).toEqual([{ error: 'the job was stopped' }]);
    expect(report.ended).toEqual([{ job_id: J(1), outcome: 'nothing-to-do' }]);
    expect(new Set(w.started.map(([name]) => name))).toEqual(new Set([`${J(1)}-1-notify`]));
  });

  it("logs one job's fault and carries on with the others; the next sweep tries it again", async () => {
    const w = world({ [J(1)]: { status: 'processing', since: OLD }, [J(2)]: { status: 'processing', since: OLD } });
    const getJob = w.deps.store.getJob;
    let failOnce = true;
    w.deps = { ...w.deps, store: { ...w.deps.store, getJob: async (id: string) => {
      if (id === J(1) && failOnce) {
        failOnce = false;
        throw new Error('throttled');
      }
      return getJob(id);
    } } };
    const first = await sweepJobs(w.deps, { stopAt: Infinity });
    expect(first).toMatchObject({ errors: 1, ended: [{ job_id: J(2) }] });
    const second = await sweepJobs(w.deps, { stopAt: Infinity });
    expect(second).toMatchObject({ errors: 0, ended: [{ job_id: J(1) }] });
  });

  it('starts nothing past its budget and says it did not finish', async () => {
    const w = world({ [J(1)]: { status: 'processing', since: OLD } });
    const report = await sweepJobs(w.deps, { stopAt: NOW.getTime() });
    expect(report).toMatchObject({ seen: 0, complete: false });
    expect(w.state.get(J(1))!.status).toBe('processing');
  });
});
