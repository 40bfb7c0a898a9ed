import { describe, expect, it } from 'vitest';
import type { UsageStore } from '../../lambdas/adapters/usage-store';
import { DEFAULT_PLAN } from '../../lambdas/core/plans';
import type { Schedule, ScheduleRun } from '../../lambdas/core/schedules/model';
import { runSchedule, type RunScheduleDeps } from '../../lambdas/usecases/schedules';
import { memoryApiKeyStore } from '../support/memory-stores';

const schedule: Schedule = {
  id: 's1',
  tenant_id: 'acme',
  plan: DEFAULT_PLAN.name,
  name: null,
  schedule_expression: 'rate(1 hour)',
  timezone: 'UTC',
  enabled: true,
  job: { urls: ['https://example.com/a'] },
  created_at: '2026-12-01T00:00:00.000Z',
  updated_at: '2026-12-01T00:00:00.000Z',
  runs: [],
};

/** A run whose createJob must never be reached: every store but the key lookup and usage throws. */
function deps(activeKey: boolean, admitted: boolean) {
  const runs: ScheduleRun[] = [];
  const unreachable = () => {
    throw new Error('createJob was reached');
  };
  const usage = { admit: async () => admitted, monthly: unreachable, addStored: unreachable } as unknown as UsageStore;
  const d = {
    schedules: { get: async () => schedule, recordRun: async (_id: string, run: ScheduleRun) => (runs.push(run), true) },
    keys: memoryApiKeyStore(activeKey ? [{ key_hash: 'h', tenant_id: schedule.tenant_id, plan: 'standard', name: 'k', created_at: '2026-01-01T00:00:00.000Z' }] : []),
    createJob: { store: { getJob: unreachable, createJob: unreachable }, blobs: { putJson: unreachable }, usage, now: () => new Date() },
    plans: [DEFAULT_PLAN],
    now: () => new Date('2026-12-01T10:00:00Z'),
  } as unknown as RunScheduleDeps;
  return { d, runs };
}

describe('a schedule run', () => {
  it('without an active key of its tenant is a failed run, and makes no job', async () => {
    const { d, runs } = deps(false, true);
    expect(await runSchedule(d, 's1')).toEqual({ schedule_id: 's1', outcome: 'failed', error: 'UNAUTHORIZED: the tenant has no active API key' });
    expect(runs).toEqual([{ at: '2026-12-01T10:00:00.000Z', job_id: null, status: 'failed', error: 'UNAUTHORIZED: the tenant has no active API key' }]);
  });

  it("counts toward the plan's requests per minute: over it, a failed run", async () => {
    const { d, runs } = deps(true, false);
    const outcome = await runSchedule(d, 's1');
    expect(outcome).toMatchObject({ outcome: 'failed', error: expect.stringMatching(/^RATE_LIMITED: too many requests: at most 600 a minute/) });
    expect(runs).toHaveLength(1);
  });
});
