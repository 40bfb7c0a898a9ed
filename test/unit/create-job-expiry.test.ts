/** CreateJob writes the job's expiry marker, at `expires_at`, before the job itself (a job without its marker would keep its objects). */
process.env.ZIPJOBS_QUIET = 'true';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAN } from '../../lambdas/core/plans';
import { createJob, type CreateJobDeps } from '../../lambdas/usecases/create-job';
import { memoryBlobStore } from '../support/memory-blobs';
import { memoryJobExpiry, memoryJobStore } from '../support/memory-stores';

const NOW = new Date('2026-11-23T12:00:00.000Z');

function setup(start: () => Promise<void> = async () => undefined) {
  // The marker each job had when the store created it.
  const markerAtCreation = new Map<string, string | undefined>();
  const store = memoryJobStore([], async (job, previous) => {
    if (previous === null) markerAtCreation.set(job.id, expiry.markers.get(job.id));
  });
  const expiry = memoryJobExpiry(store);
  let ids = 0;
  const deps: CreateJobDeps = { store, expiry, blobs: memoryBlobStore(), workflow: { start }, now: () => NOW, newId: () => `job-${++ids}` };
  return { deps, store, expiry, markerAtCreation };
}

describe('the expiry marker at CreateJob', () => {
  it('is written at the job’s expires_at before the job is created', async () => {
    const { deps, store, expiry, markerAtCreation } = setup();
    await createJob(deps, { id: 't1', plan: DEFAULT_PLAN }, { urls: ['https://example.com/a.pdf'], expires_in: 3600 });
    const job = (await store.getJob('job-1'))!;
    expect(job.expires_at).toBe('2026-11-23T13:00:00.000Z');
    expect(markerAtCreation.get('job-1')).toBe(job.expires_at);
    expect(expiry.markers).toEqual(new Map([['job-1', job.expires_at]]));
  });

  it('stays when the workflow cannot be started: the failed job’s objects still expire', async () => {
    const { deps, store, expiry } = setup(async () => {
      throw new Error('StartExecution refused');
    });
    await expect(createJob(deps, { id: 't1', plan: DEFAULT_PLAN }, { urls: ['https://example.com/a.pdf'] })).rejects.toThrow('StartExecution refused');
    const job = (await store.getJob('job-1'))!;
    expect(job.status).toBe('failed');
    expect(expiry.markers.get('job-1')).toBe(job.expires_at);
  });
});
