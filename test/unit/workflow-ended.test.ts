/**
 * What happens when a workflow execution ends without success (a runtime
 * error no Catch takes, the time limit, a stop), with an in-memory store whose
 * conditional writes behave like the table's.
 */
process.env.ZIPJOBS_QUIET = 'true';
import { describe, expect, it } from 'vitest';
import type { WorkflowInput } from '../../lambdas/adapters/workflow-starter';
import type { Job, JobStatus, ZipRecord, ZipStatus } from '../../lambdas/core/jobs/model';
import type { WebhookDelivery } from '../../lambdas/core/webhooks/delivery';
import { workflowEnded, type EndedStatus } from '../../lambdas/usecases/workflow-ended';
import { memoryJobLists } from '../support/memory-lists';
import { memoryBlobStore } from '../support/memory-blobs';
import { memoryJobStore } from '../support/memory-stores';

const ID = '0b7c5a2e-4f0d-4c1e-9a57-3f5d2c1b0a99';
const MSG = `msg_${ID.replace(/-/g, '')}`;

function setup(status: JobStatus, options: { run?: number; webhook?: WebhookDelivery; zips?: ZipStatus[] } = {}) {
  const job = { id: ID, tenant_id: 't1', status, run: options.run ?? 1, errors: [{ url: 'https://x.example/a', error: 'HTTP 404' }], webhook: options.webhook } as unknown as Job;
  const store = memoryJobStore([job]);
  (options.zips ?? []).forEach((s, i) => store.zipsOf(ID).set(i + 1, { sequence: i + 1, status: s, errors: [] } as unknown as ZipRecord));
  const transitions: JobStatus[] = [];
  const transition = store.transitionJob.bind(store);
  store.transitionJob = async (...args) => {
    const moved = await transition(...args);
    if (moved) transitions.push(args[2]);
    return moved;
  };
  const started: [string, WorkflowInput][] = [];
  const deliveries: WebhookDelivery[] = [];
  const deps = {
    store,
    lists: memoryJobLists(),
    blobs: memoryBlobStore(),
    now: () => new Date('2026-11-23T12:00:00.000Z'),
    workflow: { start: async (name: string, input: WorkflowInput) => void started.push([name, input]) },
    webhooks: { recordDelivery: async (_id: string, d: WebhookDelivery) => void deliveries.push(d) },
  };
  const endOf = (jobId: string, name: string, s: EndedStatus) => workflowEnded(deps, { job_id: jobId, name, status: s });
  const end = (name: string, s: EndedStatus) => endOf(ID, name, s);
  return { end, endOf, started, deliveries, transitions, job: () => job, zips: () => [...store.zipsOf(ID).values()].map((z) => [z.status, z.errors]) };
}

const delivery = (status: WebhookDelivery['status'], run = 1): WebhookDelivery => ({
  id: `${MSG}_${run}`,
  status,
  attempts: 3,
  last_error: status === 'delivered' ? null : 'HTTP 503',
  last_attempt_at: '2026-11-23T11:00:00.000Z',
});

describe('an execution that ends without success', () => {
  it.each([
    ['TIMED_OUT', 'the job timed out'],
    ['ABORTED', 'the job was stopped'],
    ['FAILED', 'the job failed because of an internal error'],
  ] as const)('%s: fails the unfinished job and its unfinished ZIPs, then restarts its webhook in an execution of its own', async (status, message) => {
    const t = setup('processing', { zips: ['completed', 'processing', 'pending', 'failed'] });
    expect(await t.end(`${ID}-1`, status)).toBe('job-failed');
    expect(t.job().status).toBe('failed');
    expect(t.job().completed_at).toBe('2026-11-23T12:00:00.000Z');
    // The errors found so far stay; the reason is added.
    expect(t.job().errors).toEqual([{ url: 'https://x.example/a', error: 'HTTP 404' }, { error: message }]);
    expect(t.zips()).toEqual([
      ['completed', []],
      ['failed', [{ error: message }]],
      ['failed', [{ error: message }]],
      ['failed', []],
    ]);
    expect(t.started).toEqual([[`${ID}-1-notify`, { job_id: ID, notify_only: true }]]);
  });

  it('fails a job still preparing, whose run had made no ZIP yet', async () => {
    const t = setup('preparing');
    expect(await t.end(`${ID}-1`, 'FAILED')).toBe('job-failed');
    expect(t.job().status).toBe('failed');
  });

  it('restarts a webhook cut off mid-retries on a job that had ended, and changes nothing else', async () => {
    const t = setup('completed', { webhook: delivery('pending'), zips: ['completed'] });
    expect(await t.end(`${ID}-1`, 'TIMED_OUT')).toBe('notification-restarted');
    expect(t.transitions).toEqual([]);
    expect(t.started).toEqual([[`${ID}-1-notify`, { job_id: ID, notify_only: true }]]);
  });

  it.each([
    ['the run’s own failure path, no webhook', undefined],
    ['the run’s own failure path, webhook delivered', delivery('delivered')],
    ['the run’s own failure path, webhook given up', delivery('failed')],
    ['the run’s own failure path, receiver gone', delivery('gone')],
    ['a pending delivery of an earlier run', delivery('pending', 0)],
  ])('does nothing after %s', async (_, webhook) => {
    const t = setup('failed', { webhook, zips: ['failed'] });
    expect(await t.end(`${ID}-1`, 'FAILED')).toBe('nothing-to-do');
    expect(t.transitions).toEqual([]);
    expect(t.started).toEqual([]);
    expect(t.deliveries).toEqual([]);
  });

  it('leaves the job alone when the execution was an earlier run’s (the job was retried since)', async () => {
    const t = setup('processing', { run: 2, zips: ['processing'] });
    expect(await t.end(`${ID}-1`, 'TIMED_OUT')).toBe('not-current');
    expect(t.job().status).toBe('processing');
    expect(t.zips()).toEqual([['processing', []]]);
    expect(t.started).toEqual([]);
  });

  it('is safe to deliver twice (EventBridge delivers at least once): the job fails once', async () => {
    const t = setup('processing');
    await t.end(`${ID}-1`, 'TIMED_OUT');
    expect(await t.end(`${ID}-1`, 'TIMED_OUT')).toBe('nothing-to-do');
    expect(t.transitions).toEqual(['failed']);
    expect(t.job().errors).toHaveLength(2);
  });

  it('marks the delivery failed when the restarted notification itself ends early', async () => {
    const t = setup('failed', { webhook: delivery('pending') });
    expect(await t.end(`${ID}-1-notify`, 'TIMED_OUT')).toBe('delivery-failed');
    expect(t.deliveries).toEqual([{ ...delivery('pending'), status: 'failed', last_error: 'HTTP 503; the notification was cut off (TIMED_OUT)' }]);
    expect(t.started).toEqual([]);
  });

  it('leaves a settled delivery alone when the restarted notification ends early', async () => {
    const t = setup('failed', { webhook: delivery('delivered') });
    expect(await t.end(`${ID}-1-notify`, 'ABORTED')).toBe('nothing-to-do');
    expect(t.deliveries).toEqual([]);
  });

  it('does nothing for a job that no longer exists', async () => {
    const t = setup('processing');
    const other = '11111111-1111-1111-1111-111111111111';
    expect(await t.endOf(other, `${other}-1`, 'FAILED')).toBe('nothing-to-do');
    expect(t.started).toEqual([]);
  });
});
