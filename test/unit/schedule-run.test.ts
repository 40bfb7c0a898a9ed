import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAN } from '../../lambdas/core/plans';
import type { Schedule, ScheduleRun } from '../../lambdas/core/schedules/model';
import { runSchedule, type RunScheduleDeps } from '../../lambdas/usecases/schedules';
import { memoryBlobStore } from '../support/memory-blobs';
import { memoryApiKeyStore, memoryJobExpiry, memoryJobStore, memoryScheduleStore, memoryUsageStore } from '../support/memory-stores';

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

/** A run over in-memory stores whose job store must never be reached: every request is admitted or none is. */
function deps(activeKey: boolean, admitted: boolean) {
  const unreachable = async (): Promise<never> => {
    throw new Error('createJob was reached');
  };
  const schedules = memoryScheduleStore([schedule]);
  const store = { ...memoryJobStore(), getJob: unreachable, createJob: unreachable };
  const d: RunScheduleDeps = {
    schedules,
    keys: memoryApiKeyStore(activeKey ? [{ key_hash: 'h', tenant_id: schedule.tenant_id, plan: 'standard', name: 'k', created_at: '2026-01-01T00:00:00.000Z' }] : []),
    createJob: {
      store,
      expiry: memoryJobExpiry(store),
      blobs: { ...memoryBlobStore(), putJson: unreachable },
      workflow: { start: unreachable },
      usage: { ...memoryUsageStore(), admit: async () => admitted, monthly: unreachable, addStored: unreachable },
      now: () => new Date(),
    },
    plans: [DEFAULT_PLAN],
    now: () => new Date('2026-12-01T10:00:00Z'),
  };
  const runs = async (): Promise<readonly ScheduleRun[]> => (await schedules.get('s1'))!.runs;
  return { d, runs };
}

describe('a schedule run', () => {
  it('without an active key of its tenant is a failed run, and makes no job', async () => {
    const { d, runs } = deps(false, true);
    expect(await runSchedule(d, 's1')).toEqual({ schedule_id: 's1', outcome: 'failed', error: 'UNAUTHORIZED: the tenant has no active API key' });
    expect(await runs()).toEqual([{ at: '2026-12-01T10:00:00.000Z', job_id: null, status: 'failed', error: 'UNAUTHORIZED: the tenant has no active API key' }]);
  });

  it("counts toward the plan's requests per minute: over it, a failed run", async () => {
    const { d, runs } = deps(true, false);
    const outcome = await runSchedule(d, 's1');
    expect(outcome).toMatchObject({ outcome: 'failed', error: expect.stringMatching(/^RATE_LIMITED: too many requests: at most 600 a minute/) });
    expect(await runs()).toHaveLength(1);
  });
});
