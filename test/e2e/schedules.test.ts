import { beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { DEFAULT_PLAN, type Plan } from '../../lambdas/core/plans';
import { seedApiKey } from '../../lib/local/seed';
import { useLocalApi } from './support/use-local-api';
import { SourceServer } from './support/source-server';

const sources = new SourceServer();
const tiny: Plan = { ...DEFAULT_PLAN, name: 'tiny', max_files_per_job: 1 };
const api = useLocalApi(sources, { plans: [DEFAULT_PLAN, tiny] });

beforeAll(async () => {
  await seedApiKey(process.env.TABLE_NAME!, 'other-key', 'other-tenant');
  await seedApiKey(process.env.TABLE_NAME!, 'tiny-key', 'tiny-tenant', 'tiny');
});

/** `at()` this many seconds from now, in UTC, as EventBridge writes it (no milliseconds). */
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
      body: { name: 'nightly', schedule_expression: atIn(2), job: { files: [{ url, filename: 'export.txt' }], metadata: { team: 'ops' } } },
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
    const created = await api.request('POST', '/schedules', { body: { schedule_expression: atIn(3), job: { urls: [url] } } });
    const id = created.body.schedule_id as string;
    const patched = await api.request('PATCH', `/schedules/${id}`, { body: { enabled: false } });
    expect(patched.status).toBe(200);
    expect(patched.body.enabled).toBe(false);
    await new Promise((r) => setTimeout(r, 5000));
    const res = await api.request('GET', `/schedules/${id}`);
    expect(res.body.recent_jobs).toEqual([]);
    expect(res.body.last_run_at).toBeNull();
  });

  it('records a run refused by the plan as a failed run', async () => {
    const created = await api.request('POST', '/schedules', {
      key: 'tiny-key',
      body: { schedule_expression: atIn(2), job: { urls: ['http://127.0.0.1:1/a', 'http://127.0.0.1:1/b'] } },
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
});
