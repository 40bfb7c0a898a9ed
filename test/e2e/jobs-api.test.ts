import { createHash } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PLAN } from '../../lambdas/core/plans';
import { seedApiKey } from '../../lib/local/seed';
import { readZipWithYauzl } from '../support/zip-readers';
import { useLocalApi } from './support/use-local-api';
import { SourceServer } from './support/source-server';

const sources = new SourceServer();
// Polling several jobs at once must not meet the per-tenant rate limit.
const api = useLocalApi(sources, { plans: [{ ...DEFAULT_PLAN, requests_per_minute: 100_000 }] });

// Each group works as its own tenant, so that counts and listings are exact.
const KEYS = { lister: 'list-key', stranger: 'stranger-key', retrier: 'retry-key', idem: 'idem-key', idem2: 'idem2-key' } as const;

beforeAll(async () => {
  for (const [tenant, key] of Object.entries(KEYS)) await seedApiKey(process.env.TABLE_NAME!, key, tenant);
});

async function create(key: string, body: unknown, headers: Record<string, string> = {}) {
  return api.request('POST', '/jobs', { body, key, headers });
}

async function waitFor(key: string, jobId: string, statuses = ['completed', 'failed']): Promise<Record<string, any>> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await api.request('GET', `/jobs/${jobId}`, { key });
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    const job = res.body.job;
    if (statuses.includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const list = (key: string, query = '') => api.request('GET', `/jobs${query}`, { key });

/** Every page of a listing, following next_cursor. */
async function allPages(key: string, params: Record<string, string>) {
  const pages: Record<string, any>[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ ...params, ...(cursor ? { cursor } : {}) });
    const res = await list(key, `?${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    pages.push(res.body);
    cursor = res.body.meta.next_cursor;
    expect(pages.length).toBeLessThan(50);
  } while (cursor);
  return pages;
}

const expectInvalid = (res: { status: number; body: Record<string, any> }, field: string) => {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body.success).toBe(false);
  expect(res.body.error.code).toBe('INVALID_REQUEST');
  expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
};

describe('GET /jobs', () => {
  // Oldest first, as created; 5 complete, 2 fail (a source that answers 404).
  const created: string[] = [];
  const failed = new Set<string>();

  beforeAll(async () => {
    for (let i = 0; i < 7; i++) {
      const fails = i === 2 || i === 5;
      const url = fails ? `${sources.url}/list/missing-${i}.txt` : sources.set(`/list/file-${i}.txt`, { body: Buffer.from(`file ${i}\n`) });
      const res = await create(KEYS.lister, { urls: [url], zip_filename: `list-${i}.zip` });
      expect(res.status).toBe(201);
      created.push(res.body.job_id);
      if (fails) failed.add(res.body.job_id);
    }
    await Promise.all(created.map((id) => waitFor(KEYS.lister, id)));
  });

  it('lists newest first with the summary fields of docs/API.md, mirroring GET /jobs/:id', async () => {
    const res = await list(KEYS.lister);
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    expect(res.body.jobs.map((j: { id: string }) => j.id)).toEqual([...created].reverse());
    expect(res.body.meta).toEqual({ limit: 20, total: 7, next_cursor: null, has_more: false });

    const newest = res.body.jobs[0];
    expect(Object.keys(newest).sort()).toEqual(
      ['id', 'status', 'url_count', 'file_count', 'zip_filename', 'zip_size', 'multi_zip', 'zip_count', 'total_size', 'max_zip_size_bytes', 'fail_on_url_error', 'created_at', 'completed_at', 'expires_at'].sort(),
    );
    const detail = await api.getJob(newest.id, KEYS.lister);
    for (const [field, value] of Object.entries(newest)) expect(detail.body[field], field).toEqual(value);
    expect(newest).toMatchObject({ status: 'completed', zip_filename: 'list-6.zip', multi_zip: false, zip_count: 1, url_count: 1, file_count: 1 });
    expect(newest.zip_size).toBeGreaterThan(0);

    const failedOne = res.body.jobs.find((j: { id: string }) => j.id === created[5]);
    expect(failedOne).toMatchObject({ status: 'failed', zip_size: null, zip_filename: 'list-5.zip' });
  });

  it('pages through everything with next_cursor: no duplicates, no gaps, the same total on every page', async () => {
    const pages = await allPages(KEYS.lister, { limit: '3' });
    expect(pages.map((p) => p.jobs.length)).toEqual([3, 3, 1]);
    expect(pages.map((p) => p.meta.has_more)).toEqual([true, true, false]);
    expect(pages.map((p) => p.meta.total)).toEqual([7, 7, 7]);
    expect(pages.every((p) => p.meta.limit === 3)).toBe(true);
    expect(pages.flatMap((p) => p.jobs.map((j: { id: string }) => j.id))).toEqual([...created].reverse());

    // A page that ends exactly at the last job says there is no more.
    const exact = await allPages(KEYS.lister, { limit: '7' });
    expect(exact).toHaveLength(1);
    expect(exact[0]!.meta).toMatchObject({ has_more: false, next_cursor: null, total: 7 });
  });

  it('filters by status, with its own total and its own cursors', async () => {
    const failedPages = await allPages(KEYS.lister, { status: 'failed', limit: '1' });
    expect(failedPages.flatMap((p) => p.jobs.map((j: { id: string }) => j.id))).toEqual([created[5], created[2]]);
    expect(failedPages.map((p) => p.meta.total)).toEqual([2, 2]);

    const completed = await list(KEYS.lister, '?status=completed');
    expect(completed.body.jobs.map((j: { id: string }) => j.id)).toEqual([...created].reverse().filter((id) => !failed.has(id)));
    expect(completed.body.meta.total).toBe(5);
    expect(completed.body.jobs.every((j: { status: string }) => j.status === 'completed')).toBe(true);

    const preparing = await list(KEYS.lister, '?status=preparing');
    expect(preparing.body).toEqual({ success: true, jobs: [], meta: { limit: 20, total: 0, next_cursor: null, has_more: false } });
  });

  it('refuses a bad limit or status with 400 naming the field', async () => {
    for (const limit of ['0', '101', 'ten', '2.5']) expectInvalid(await list(KEYS.lister, `?limit=${limit}`), 'limit');
    expectInvalid(await list(KEYS.lister, '?status=done'), 'status');
  });

  it('refuses a forged, truncated or re-used cursor with 400 naming cursor', async () => {
    const first = await list(KEYS.lister, '?limit=2');
    const cursor: string = first.body.meta.next_cursor;
    const [kid, payload, signature] = cursor.split('.') as [string, string, string];
    // A cursor that points elsewhere, as someone without the key would make it.
    const elsewhere = Buffer.from(JSON.stringify({ p: `2099-01-01T00:00:00.000Z#${created[0]}` })).toString('base64url');
    const flipped = signature.slice(0, 5) + (signature[5] === 'A' ? 'B' : 'A') + signature.slice(6);
    const forged = [`${kid}.${elsewhere}.${signature}`, `${kid}.${payload}.${flipped}`, cursor.slice(0, -3), 'garbage', `k9.${payload}.${signature}`];
    for (const bad of forged) expectInvalid(await list(KEYS.lister, `?limit=2&cursor=${encodeURIComponent(bad)}`), 'cursor');
    // Issued for all jobs, not valid for one status, nor for another tenant.
    expectInvalid(await list(KEYS.lister, `?limit=2&status=completed&cursor=${encodeURIComponent(cursor)}`), 'cursor');
    expectInvalid(await list(KEYS.stranger, `?limit=2&cursor=${encodeURIComponent(cursor)}`), 'cursor');
    // The genuine one still works.
    const second = await list(KEYS.lister, `?limit=2&cursor=${encodeURIComponent(cursor)}`);
    expect(second.body.jobs.map((j: { id: string }) => j.id)).toEqual([created[4], created[3]]);
  });

  it('shows another tenant nothing of ours', async () => {
    const theirs = await list(KEYS.stranger);
    expect(theirs.status).toBe(200);
    expect(theirs.body).toEqual({ success: true, jobs: [], meta: { limit: 20, total: 0, next_cursor: null, has_more: false } });
    const failedTheirs = await list(KEYS.stranger, '?status=failed');
    expect(failedTheirs.body.meta.total).toBe(0);
  });
});

describe('POST /jobs/:id/retry', () => {
  it('reruns a failed job once its source is fixed: the job completes with a new ZIP', async () => {
    const url = `${sources.url}/retry/late.txt`;
    const res = await create(KEYS.retrier, { urls: [url], zip_filename: 'retried.zip' });
    const failedJob = await waitFor(KEYS.retrier, res.body.job_id);
    expect(failedJob.status).toBe('failed');
    expect(failedJob.errors).toEqual([{ url, error: 'HTTP 404' }]);

    sources.set('/retry/late.txt', { body: Buffer.from('here now\n') });
    const retried = await api.request('POST', `/jobs/${res.body.job_id}/retry`, { key: KEYS.retrier });
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual({ success: true, job_id: res.body.job_id });

    const job = await waitFor(KEYS.retrier, res.body.job_id);
    expect(job).toMatchObject({ status: 'completed', errors: [], file_count: 1, zip_filename: 'retried.zip' });
    expect(job.completed_at).not.toBe(failedJob.completed_at);
    const { bytes } = await api.download(job.download_url);
    expect((await readZipWithYauzl(bytes)).map((e) => [e.name, e.data.toString()])).toEqual([['late.txt', 'here now\n']]);

    // Listed under its new status.
    const listed = await list(KEYS.retrier, '?status=completed');
    expect(listed.body.jobs.map((j: { id: string }) => j.id)).toContain(res.body.job_id);
    expect((await list(KEYS.retrier, '?status=failed')).body.jobs.map((j: { id: string }) => j.id)).not.toContain(res.body.job_id);
  });

  it('resumes a failed single-ZIP job from its checkpoint when asked', async () => {
    const good = sources.set('/retry/cp-good.txt', { body: Buffer.from('good\n') });
    const late = `${sources.url}/retry/cp-late.txt`;
    const res = await create(KEYS.retrier, { urls: [good, late] });
    expect((await waitFor(KEYS.retrier, res.body.job_id)).status).toBe('failed');
    sources.set('/retry/cp-late.txt', { body: Buffer.from('late\n') });
    const retried = await api.request('POST', `/jobs/${res.body.job_id}/retry`, { key: KEYS.retrier, body: { from_checkpoint: true } });
    expect(retried.status).toBe(200);
    const job = await waitFor(KEYS.retrier, res.body.job_id);
    expect(job.status).toBe('completed');
    const { bytes } = await api.download(job.download_url);
    expect((await readZipWithYauzl(bytes)).map((e) => [e.name, e.data.toString()])).toEqual([
      ['cp-good.txt', 'good\n'],
      ['cp-late.txt', 'late\n'],
    ]);
  });

  it('refuses to retry a job that has not failed, and of two concurrent retries starts one', async () => {
    const url = `${sources.url}/retry/twice.txt`;
    const res = await create(KEYS.retrier, { urls: [url] });
    await waitFor(KEYS.retrier, res.body.job_id);
    sources.set('/retry/twice.txt', { body: Buffer.from('twice\n') });
    const both = await Promise.all([0, 1].map(() => api.request('POST', `/jobs/${res.body.job_id}/retry`, { key: KEYS.retrier })));
    expect(both.map((r) => r.status).sort()).toEqual([200, 400]);
    expect((await waitFor(KEYS.retrier, res.body.job_id)).status).toBe('completed');

    const again = await api.request('POST', `/jobs/${res.body.job_id}/retry`, { key: KEYS.retrier });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('INVALID_REQUEST');
    expect(again.body.error.message).toMatch(/only failed jobs can be retried/);
  });

  it("answers 404 for another tenant's job and an unknown one, and 400 for a bad body", async () => {
    const url = `${sources.url}/retry/never.txt`;
    const res = await create(KEYS.retrier, { urls: [url] });
    await waitFor(KEYS.retrier, res.body.job_id);
    const theirs = await api.request('POST', `/jobs/${res.body.job_id}/retry`, { key: KEYS.stranger });
    expect(theirs.status).toBe(404);
    expect(theirs.body.error.code).toBe('NOT_FOUND');
    expect((await api.request('POST', '/jobs/00000000-0000-4000-8000-000000000000/retry', { key: KEYS.retrier })).status).toBe(404);

    expectInvalid(await api.request('POST', `/jobs/${res.body.job_id}/retry`, { key: KEYS.retrier, body: { from_checkpoint: 'yes' } }), 'from_checkpoint');
    expectInvalid(await api.request('POST', `/jobs/${res.body.job_id}/retry`, { key: KEYS.retrier, body: { force: true } }), 'force');
    // Still failed: a refused retry changes nothing.
    expect((await api.getJob(res.body.job_id, KEYS.retrier)).body.status).toBe('failed');
  });
});

describe('Idempotency-Key on POST /jobs', () => {
  const body = () => ({ urls: [sources.set('/idem/a.txt', { body: Buffer.from('a') })], metadata: { order: '42', batch: '7' } });

  it('answers the same job for the same key and body, in any key order, and creates one job', async () => {
    const headers = { 'Idempotency-Key': 'order-42' };
    const first = await create(KEYS.idem, body(), headers);
    expect(first.status).toBe(201);
    const b = body();
    const reordered = { metadata: { batch: '7', order: '42' }, urls: b.urls };
    const second = await create(KEYS.idem, reordered, headers);
    expect(second.status).toBe(201);
    expect(second.body).toEqual({ success: true, job_id: first.body.job_id });
    await waitFor(KEYS.idem, first.body.job_id);
    const third = await create(KEYS.idem, body(), headers);
    expect(third.body.job_id).toBe(first.body.job_id);

    const listed = await list(KEYS.idem);
    expect(listed.body.jobs.map((j: { id: string }) => j.id)).toEqual([first.body.job_id]);
  });

  it('answers 409 CONFLICT for the same key with another body', async () => {
    const headers = { 'Idempotency-Key': 'order-43' };
    expect((await create(KEYS.idem, body(), headers)).status).toBe(201);
    const other = await create(KEYS.idem, { ...body(), fail_on_url_error: false }, headers);
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('CONFLICT');
    expect(other.body.error.message).toMatch(/^Idempotency-Key: /);
  });

  it('makes one job of concurrent duplicates', async () => {
    const headers = { 'Idempotency-Key': 'burst' };
    const before = (await list(KEYS.idem2)).body.meta.total;
    const all = await Promise.all(Array.from({ length: 6 }, () => create(KEYS.idem2, body(), headers)));
    expect(all.map((r) => r.status)).toEqual(Array(6).fill(201));
    expect(new Set(all.map((r) => r.body.job_id)).size).toBe(1);
    await waitFor(KEYS.idem2, all[0]!.body.job_id);
    expect((await list(KEYS.idem2)).body.meta.total).toBe(before + 1);
  });

  it('keeps keys per tenant, and refuses a key over 255 characters', async () => {
    const headers = { 'Idempotency-Key': 'shared-key' };
    const mine = await create(KEYS.idem, body(), headers);
    const theirs = await create(KEYS.idem2, body(), headers);
    expect(mine.status).toBe(201);
    expect(theirs.status).toBe(201);
    expect(theirs.body.job_id).not.toBe(mine.body.job_id);
    expectInvalid(await create(KEYS.idem, body(), { 'Idempotency-Key': 'k'.repeat(256) }), 'Idempotency-Key');
  });

  it('forgets a key after 24 hours, even while its item waits for deletion', async () => {
    // An item past its ttl that DynamoDB (or here dynalite, which never deletes) still holds, for another body.
    const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    const keyHash = createHash('sha256').update('old-key').digest('hex');
    await client.send(
      new PutCommand({
        TableName: process.env.TABLE_NAME!,
        Item: { pk: `IDEMP#idem#${keyHash}`, sk: 'IDEMP', type: 'idempotency', job_id: '00000000-0000-4000-8000-000000000000', body_hash: 'x', ttl: Math.floor(Date.now() / 1000) - 1 },
      }),
    );
    client.destroy();
    const res = await create(KEYS.idem, body(), { 'Idempotency-Key': 'old-key' });
    expect(res.status).toBe(201);
    expect(res.body.job_id).not.toBe('00000000-0000-4000-8000-000000000000');
    expect((await create(KEYS.idem, body(), { 'Idempotency-Key': 'old-key' })).body.job_id).toBe(res.body.job_id);
  });
});
