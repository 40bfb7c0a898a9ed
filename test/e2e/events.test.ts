import { describe, expect, it } from 'vitest';
import { useLocalApi } from './support/use-local-api';
import { SourceServer } from './support/source-server';

const sources = new SourceServer();
const api = useLocalApi(sources);

/** The local bus's events about one job, once its execution has finished. */
async function eventsOf(jobId: string) {
  await api.stack.stepFunctions.idle();
  return api.stack.events.filter((e) => e.detail.job_id === jobId);
}

describe('job status events on the local bus', () => {
  it('puts one "Job Status Changed" per change, in order, from creation to completion', async () => {
    const body = Buffer.from('x'.repeat(5000));
    const created = await api.request('POST', '/jobs', { body: { urls: [sources.set('/a.txt', { body })], compression: 'store' } });
    const job = await api.waitForJob(created.body.job_id);
    expect(job.status).toBe('completed');

    const events = await eventsOf(job.id);
    for (const event of events) expect(event).toMatchObject({ source: 'zipjobs', 'detail-type': 'Job Status Changed' });
    expect(events.map((e) => [e.detail.previous_status, e.detail.status])).toEqual([
      [null, 'pending'],
      ['pending', 'processing'],
      ['processing', 'completed'],
    ]);
    expect(events[0]!.detail).toEqual({ job_id: job.id, tenant_id: 'local', status: 'pending', previous_status: null, zip_count: 0, total_size: null });
    expect(events[2]!.detail).toEqual({
      job_id: job.id,
      tenant_id: 'local',
      status: 'completed',
      previous_status: 'processing',
      zip_count: 1,
      total_size: job.total_size,
    });
    expect(job.total_size).toBeGreaterThan(body.length);
  });

  it('ends a failed job’s events with failed', async () => {
    const missing = sources.set('/gone.txt', { body: Buffer.alloc(0), status: 404 });
    const created = await api.request('POST', '/jobs', { body: { urls: [missing] } });
    const job = await api.waitForJob(created.body.job_id);
    expect(job.status).toBe('failed');
    const events = await eventsOf(job.id);
    expect(events.map((e) => e.detail.status)).toEqual(['pending', 'processing', 'failed']);
    expect(events[2]!.detail).toMatchObject({ previous_status: 'processing', zip_count: 1, total_size: 0 });
  });

  it('puts nothing for a request that creates no job', async () => {
    const before = api.stack.events.length;
    expect((await api.request('POST', '/jobs', { body: { urls: ['ftp://nope'] } })).status).toBe(400);
    expect(api.stack.events.length).toBe(before);
  });
});
