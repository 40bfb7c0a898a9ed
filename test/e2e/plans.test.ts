import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PLAN, type Plan } from '../../lambdas/core/plans';
import { seedApiKey } from '../../lib/local/seed';
import { type ApiResponse } from './support/local-api';
import { useLocalApi } from './support/use-local-api';
import { SourceServer } from './support/source-server';
import { roomInTheMinute } from './support/minute';

const tiny: Plan = {
  ...DEFAULT_PLAN,
  name: 'tiny',
  max_files_per_job: 2,
  max_retention_seconds: 3600,
  max_zip_size_bytes: 200 * 1024 * 1024,
  requests_per_minute: 5,
};
const fewFiles: Plan = { ...DEFAULT_PLAN, name: 'few-files', max_files_per_job: 2 };
const spent: Plan = { ...DEFAULT_PLAN, name: 'spent', monthly_stored_gb_days: 0 };
// One small ZIP kept a day uses this up.
const metered: Plan = { ...DEFAULT_PLAN, name: 'metered', monthly_stored_gb_days: 1e-9 };
const sources = new SourceServer();

const api = useLocalApi(sources, { plans: [DEFAULT_PLAN, tiny, spent, metered, fewFiles] });

beforeAll(async () => {
  await seedApiKey(process.env.TABLE_NAME!, 'metered-key', 'metered-tenant', 'metered');
  await seedApiKey(process.env.TABLE_NAME!, 'tiny-key', 'tiny-tenant', 'tiny');
  await seedApiKey(process.env.TABLE_NAME!, 'spent-key', 'spent-tenant', 'spent');
});

describe('plans', () => {
  it.each([
    ['more files than the plan allows', { urls: ['http://127.0.0.1:1/a', 'http://127.0.0.1:1/b', 'http://127.0.0.1:1/c'], expires_in: 600 }, 'urls'],
    ['a retention above the plan', { urls: ['http://127.0.0.1:1/a'], expires_in: 7200 }, 'expires_in'],
    ['a ZIP cap above the plan', { urls: ['http://127.0.0.1:1/a'], expires_in: 600, max_zip_size_bytes: 300 * 1024 * 1024 }, 'max_zip_size_bytes'],
  ])('%s → 403 PLAN_LIMIT_EXCEEDED naming %s', async (_label, body, field) => {
    const res = await api.request('POST', '/jobs', { body, key: 'tiny-key' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('PLAN_LIMIT_EXCEEDED');
    expect(res.body.error.message).toMatch(new RegExp(`^${field}: `));
  });

  it('counts each built ZIP against the monthly stored quota, then refuses new stored jobs and their retries', async () => {
    const url = sources.set('/metered.txt', { body: Buffer.alloc(4096, 7) });
    // A job that fails (its source refuses), made while the quota still had room.
    const doomed = await api.request('POST', '/jobs', { body: { urls: ['http://127.0.0.1:1/refused.txt'] }, key: 'metered-key' });
    expect(doomed.status).toBe(201);
    expect((await api.waitForJob(doomed.body.job_id, undefined, undefined, 'metered-key')).status).toBe('failed');
    const first = await api.request('POST', '/jobs', { body: { urls: [url] }, key: 'metered-key' });
    expect(first.status).toBe(201);
    const job = await api.waitForJob(first.body.job_id, undefined, undefined, 'metered-key');
    expect(job.status).toBe('completed');
    const second = await api.request('POST', '/jobs', { body: { urls: [url] }, key: 'metered-key' });
    expect(second.status).toBe(403);
    expect(second.body.error.code).toBe('QUOTA_EXCEEDED');
    // A retry is a new run: refused alike, and the job stays failed.
    const retried = await api.request('POST', `/jobs/${doomed.body.job_id}/retry`, { body: {}, key: 'metered-key' });
    expect(retried.status, JSON.stringify(retried.body)).toBe(403);
    expect(retried.body.error.code).toBe('QUOTA_EXCEEDED');
    expect((await api.getJob(doomed.body.job_id, 'metered-key')).body).toMatchObject({ status: 'failed' });
    // A stream job stores nothing: its create and its retry are not held to the stored quota.
    const streamed = await api.request('POST', '/jobs', { body: { urls: ['http://127.0.0.1:1/refused.txt'], mode: 'stream', compression: 'store' }, key: 'metered-key' });
    expect(streamed.status).toBe(201);
    expect((await api.waitForJob(streamed.body.job_id, undefined, undefined, 'metered-key')).status).toBe('failed');
    const streamRetry = await api.request('POST', `/jobs/${streamed.body.job_id}/retry`, { body: {}, key: 'metered-key' });
    expect(streamRetry.status, JSON.stringify(streamRetry.body)).toBe(200);
  });

  it('applies the plan to a retry as to a create (403 PLAN_LIMIT_EXCEEDED naming the field)', async () => {
    // Made on the standard plan, retried by a key of the same tenant on a plan of 2 files a job.
    await seedApiKey(process.env.TABLE_NAME!, 'few-files-key', 'standard-tenant', 'few-files');
    await seedApiKey(process.env.TABLE_NAME!, 'standard-key-2', 'standard-tenant', DEFAULT_PLAN.name);
    const urls = ['http://127.0.0.1:1/a', 'http://127.0.0.1:1/b', 'http://127.0.0.1:1/c'];
    const created = await api.request('POST', '/jobs', { body: { urls }, key: 'standard-key-2' });
    expect(created.status).toBe(201);
    await api.waitForJob(created.body.job_id, undefined, undefined, 'standard-key-2');
    const retried = await api.request('POST', `/jobs/${created.body.job_id}/retry`, { key: 'few-files-key' });
    expect(retried.status).toBe(403);
    expect(retried.body.error.code).toBe('PLAN_LIMIT_EXCEEDED');
    expect(retried.body.error.message).toMatch(/^files: /);
  });

  it('refuses a tenant whose monthly stored quota is used up with 403 QUOTA_EXCEEDED', async () => {
    const res = await api.request('POST', '/jobs', { body: { urls: ['http://127.0.0.1:1/a'] }, key: 'spent-key' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('QUOTA_EXCEEDED');
  });

  it("limits a tenant's requests per minute with 429 and Retry-After, leaving other tenants alone", async () => {
    await roomInTheMinute();
    const statuses: number[] = [];
    let limited: ApiResponse | undefined;
    for (let i = 0; i < 8; i++) {
      const res = await api.request('GET', '/jobs/00000000-0000-4000-8000-000000000000', { key: 'tiny-key' });
      statuses.push(res.status);
      if (res.status === 429) limited ??= res;
    }
    // Earlier tests spent some of this minute's 5 requests; never more than 5 pass before the limit.
    expect(statuses.indexOf(429)).toBeGreaterThanOrEqual(0);
    expect(statuses.slice(0, statuses.indexOf(429)).every((s) => s === 404)).toBe(true);
    expect(statuses.indexOf(429)).toBeLessThanOrEqual(5);
    expect(limited?.body.error.code).toBe('RATE_LIMITED');
    const retryAfter = Number(limited?.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await api.request('GET', '/health', { key: null })).status).toBe(200);
    expect((await api.request('GET', '/jobs/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});
