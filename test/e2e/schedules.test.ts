import { beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { DEFAULT_PLAN, type Plan } from '../../lambdas/core/plans';
import { revokeApiKey } from '../../lambdas/usecases/api-keys';
import { hashApiKey } from '../../lambdas/core/api-keys';
import { seedApiKey } from '../../lib/local/seed';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoApiKeyStore } from '../../lambdas/adapters/api-key-store';
import { dynamoScheduleStore } from '../../lambdas/adapters/schedule-store';
import { useLocalApi } from './support/use-local-api';
import { SourceServer } from './support/source-server';

const sources = new SourceServer();
const tiny: Plan = { ...DEFAULT_PLAN, name: 'tiny', max_files_per_job: 1 };
const twoSchedules: Plan = { ...DEFAULT_PLAN, name: 'two-schedules', max_schedules: 2, min_schedule_interval_seconds: 3600 };
const api = useLocalApi(sources, { plans: [DEFAULT_PLAN, tiny, twoSchedules] });

beforeAll(async () => {
  await seedApiKey(process.env.TABLE_NAME!, 'other-key', 'other-tenant');
  await seedApiKey(process.env.TABLE_NAME!, 'tiny-key', 'tiny-tenant', 'tiny');
  await seedApiKey(process.env.TABLE_NAME!, 'two-key', 'two-tenant', 'two-schedules');
  await seedApiKey(process.env.TABLE_NAME!, 'doomed-key', 'doomed-tenant');
});

/**
 * `at()` this many seconds from now, in UTC, as EventBridge writes it (no milliseconds, so up to a second
 * nearer). A trigger armed after its time never fires: leave the request (and a cold start) room.
 */
const atIn = (seconds: number) => `at(${new Date(Date.now() + seconds * 1000).toISOString().slice(0, 19)})`;

async function waitForRun(id: string, key?: string, timeoutMs = 15_000): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await api.request('GET', `/schedules/${id}`, { key });
    expect(res.status).toBe(200);
    if (res.body.recent_jobs.length > 0) return res.body;
    if (Date.now() > deadline) throw new Error(`schedule ${id} did not run within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function entryNames(zip: Buffer): Promise<string[]> {
  return new Promise((ok, fail) =>
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, file) => {
      if (error) return fail(error);
      const names: string[] = [];
      file.on('entry', (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        file.readEntry();
      });
      file.on('end', () => ok(names));
      file.on('error', fail);
      file.readEntry();
    }),
  );
}

describe('schedules', () => {
  it('fires an at() schedule: its job carries schedule_id, completes, and shows on the schedule', async () => {
    const url = sources.set('/nightly.txt', { body: Buffer.from('nightly export\n') });
    const created = await api.request('POST', '/schedules', {
      // The file's first request loads the handler: a time too near may have passed before the trigger exists.
      body: { name: 'nightly', schedule_expression: atIn(6), job: { files: [{ url, filename: 'export.txt' }], metadata: { team: 'ops' } } },
    });
    expect(created.status).toBe(201);
    const id = created.body.schedule_id as string;

    const schedule = await waitForRun(id);
    const [run] = schedule.recent_jobs;
    expect(run.job_id).toEqual(expect.any(String));
    const job = await api.waitForJob(run.job_id);
    expect(job.status).toBe('completed');
    expect(job.metadata).toEqual({ team: 'ops', schedule_id: id });
    const { bytes } = await api.download(job.download_url);
    expect(await entryNames(bytes)).toEqual(['export.txt']);

    const after = await api.request('GET', `/schedules/${id}`);
    expect(after.body).toMatchObject({ id, name: 'nightly', last_status: 'completed', enabled: true, timezone: 'UTC' });
    expect(after.body.last_run_at).toEqual(expect.any(String));
    expect(after.body.recent_jobs[0]).toMatchObject({ job_id: run.job_id, status: 'completed' });
    // A one-time schedule deletes its trigger after running; the record stays.
    expect(api.stack.scheduler.names().some((n) => n.endsWith(id))).toBe(false);
    const list = await api.request('GET', '/schedules');
    expect(list.body.schedules.map((s: { id: string }) => s.id)).toContain(id);
  });

  it('does not fire a schedule disabled before its time', async () => {
    const url = sources.set('/disabled.txt', { body: Buffer.from('x') });
    const expression = atIn(5);
    const created = await api.request('POST', '/schedules', { body: { schedule_expression: expression, job: { urls: [url] } } });
    const id = created.body.schedule_id as string;
    const patched = await api.request('PATCH', `/schedules/${id}`, { body: { enabled: false } });
    expect(patched.status).toBe(200);
    expect(patched.body.enabled).toBe(false);
    // Past its time, and then some: a run it should not have had would show by now.
    const time = Date.parse(`${expression.slice(3, -1)}Z`);
    await new Promise((r) => setTimeout(r, time + 2000 - Date.now()));
    const res = await api.request('GET', `/schedules/${id}`);
    expect(res.body.recent_jobs).toEqual([]);
    expect(res.body.last_run_at).toBeNull();
  });

  it('records a run refused by the plan as a failed run', async () => {
    const created = await api.request('POST', '/schedules', {
      key: 'tiny-key',
      body: { schedule_expression: atIn(5), job: { urls: ['http://127.0.0.1:1/a', 'http://127.0.0.1:1/b'] } },
    });
    expect(created.status).toBe(201);
    const schedule = await waitForRun(created.body.schedule_id, 'tiny-key');
    expect(schedule.last_status).toBe('failed');
    expect(schedule.recent_jobs[0]).toMatchObject({ job_id: null, status: 'failed' });
    expect(schedule.recent_jobs[0].error).toMatch(/^PLAN_LIMIT_EXCEEDED: urls: /);
  });

  it('deletes a schedule: 404 afterwards, and its trigger is gone', async () => {
    const created = await api.request('POST', '/schedules', { body: { schedule_expression: 'cron(0 3 * * ? *)', timezone: 'Europe/Paris', job: { urls: ['https://example.com/a'] } } });
    const id = created.body.schedule_id as string;
    expect(api.stack.scheduler.names().some((n) => n.endsWith(id))).toBe(true);
    expect((await api.request('DELETE', `/schedules/${id}`)).status).toBe(200);
    expect((await api.request('GET', `/schedules/${id}`)).status).toBe(404);
    expect((await api.request('DELETE', `/schedules/${id}`)).status).toBe(404);
    expect(api.stack.scheduler.names().some((n) => n.endsWith(id))).toBe(false);
  });

  it("answers 404 for another tenant's schedule, and lists only the tenant's own", async () => {
    const created = await api.request('POST', '/schedules', { body: { schedule_expression: 'rate(1 day)', job: { urls: ['https://example.com/a'] } } });
    const id = created.body.schedule_id as string;
    for (const [method, body] of [['GET'], ['PATCH', { enabled: false }], ['DELETE']] as const) {
      const res = await api.request(method, `/schedules/${id}`, { key: 'other-key', body });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    }
    const list = await api.request('GET', '/schedules', { key: 'other-key' });
    expect(list.body.schedules).toEqual([]);
    expect((await api.request('GET', `/schedules/${id}`)).body.enabled).toBe(true);
  });

  it.each([
    [{ schedule_expression: 'cron(0 3 * * * *)', job: { urls: ['https://example.com/a'] } }, 'schedule_expression'],
    [{ schedule_expression: 'rate(0 minutes)', job: { urls: ['https://example.com/a'] } }, 'schedule_expression'],
    [{ schedule_expression: 'at(2026-02-30T00:00:00)', job: { urls: ['https://example.com/a'] } }, 'schedule_expression'],
    [{ schedule_expression: 'rate(1 day)', timezone: 'Mars/Olympus', job: { urls: ['https://example.com/a'] } }, 'timezone'],
    [{ schedule_expression: 'rate(1 day)', job: { files: [{ url: 'ftp://x/a' }] } }, 'job.files[0].url'],
    [{ schedule_expression: 'rate(1 day)' }, 'job'],
    [{ schedule_expression: 'rate(1 day)', job: { urls: ['https://example.com/a'] }, color: 'red' }, 'color'],
  ])('refuses %j with 400 naming %s', async (body, field) => {
    const res = await api.request('POST', '/schedules', { body });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_REQUEST');
    expect(res.body.error.message.startsWith(`${field}: `)).toBe(true);
  });

  it('refuses a PATCH with an invalid job template, naming the field', async () => {
    const created = await api.request('POST', '/schedules', { body: { schedule_expression: 'rate(1 day)', job: { urls: ['https://example.com/a'] } } });
    const res = await api.request('PATCH', `/schedules/${created.body.schedule_id}`, { body: { job: { urls: [] } } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^job\.urls: /);
  });

  it("records a run as failed once the tenant's only key is revoked, and makes no job", async () => {
    // Far enough ahead that the trigger exists before its time, under load too.
    const created = await api.request('POST', '/schedules', { key: 'doomed-key', body: { schedule_expression: atIn(5), job: { urls: ['http://127.0.0.1:1/a'] } } });
    expect(created.status).toBe(201);
    // The stores behind the API (the tenant has no key left to ask with once it is revoked).
    const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    await revokeApiKey(dynamoApiKeyStore(client, process.env.TABLE_NAME!), hashApiKey('doomed-key').slice(0, 12), new Date());
    expect((await api.request('GET', '/schedules', { key: 'doomed-key' })).status).toBe(401);
    const deadline = Date.now() + 15_000;
    let runs: readonly unknown[] = [];
    while (runs.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      runs = (await dynamoScheduleStore(client, process.env.TABLE_NAME!).get(created.body.schedule_id))!.runs;
    }
    expect(runs).toEqual([{ at: expect.any(String), job_id: null, status: 'failed', error: 'UNAUTHORIZED: the tenant has no active API key' }]);
  });

  it('finds keys stored before they were indexed by tenant, and indexes them', async () => {
    const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    const table = process.env.TABLE_NAME!;
    const created_at = new Date().toISOString();
    // Key records as an earlier version wrote them: no gsi1 attributes.
    const legacy = (hash: string, tenant_id: string, revoked: boolean) =>
      client.send(
        new PutCommand({
          TableName: table,
          Item: { pk: `KEY#${hash}`, sk: 'KEY', type: 'key', key_hash: hash, tenant_id, plan: 'standard', name: 'old', created_at, ...(revoked && { revoked_at: created_at }) },
        }),
      );
    await legacy('a'.repeat(64), 'legacy-tenant', false);
    await legacy('b'.repeat(64), 'legacy-revoked-tenant', true);
    const store = dynamoApiKeyStore(client, table);
    expect(await store.hasActiveApiKey('legacy-tenant')).toBe(true);
    expect(await store.hasActiveApiKey('legacy-revoked-tenant')).toBe(false);
    expect(await store.hasActiveApiKey('no-such-tenant')).toBe(false);
    const item = (await client.send(new GetCommand({ TableName: table, Key: { pk: `KEY#${'a'.repeat(64)}`, sk: 'KEY' } }))).Item;
    expect(item).toMatchObject({ gsi1pk: 'KEYS#legacy-tenant', gsi1sk: `${created_at}#${'a'.repeat(64)}` });
  });

  it("holds a tenant to its plan's number of schedules (403 naming schedules)", async () => {
    const body = { schedule_expression: 'rate(1 day)', job: { urls: ['https://example.com/a'] } };
    for (let i = 0; i < 2; i++) expect((await api.request('POST', '/schedules', { key: 'two-key', body })).status).toBe(201);
    const third = await api.request('POST', '/schedules', { key: 'two-key', body });
    expect(third.status).toBe(403);
    expect(third.body.error.code).toBe('PLAN_LIMIT_EXCEEDED');
    expect(third.body.error.message).toMatch(/^schedules: at most 2 /);
  });

  it.each([
    ['rate(1 minute)', 'standard'],
    ['rate(4 minutes)', 'standard'],
    ['cron(0/1 * * * ? *)', 'standard'],
    ['cron(0,2 3 * * ? *)', 'standard'],
    ['rate(30 minutes)', 'two-schedules'],
  ])("refuses %s, which fires more often than plan %s allows (403 naming schedule_expression)", async (expression, plan) => {
    const key = plan === 'standard' ? undefined : 'two-key';
    const res = await api.request('POST', '/schedules', { key, body: { schedule_expression: expression, job: { urls: ['https://example.com/a'] } } });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('PLAN_LIMIT_EXCEEDED');
    expect(res.body.error.message).toMatch(/^schedule_expression: /);
  });

  it('takes the plan\'s minimum interval and refuses a PATCH below it', async () => {
    const created = await api.request('POST', '/schedules', { body: { schedule_expression: 'rate(5 minutes)', job: { urls: ['https://example.com/a'] } } });
    expect(created.status).toBe(201);
    const patched = await api.request('PATCH', `/schedules/${created.body.schedule_id}`, { body: { schedule_expression: 'rate(2 minutes)' } });
    expect(patched.status).toBe(403);
    expect(patched.body.error.message).toMatch(/^schedule_expression: /);
    await api.request('DELETE', `/schedules/${created.body.schedule_id}`);
  });
});
