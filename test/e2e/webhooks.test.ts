import { createHmac, timingSafeEqual } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seedApiKey } from '../../lib/local/seed';
import { useLocalApi } from './support/use-local-api';
import { SourceServer } from './support/source-server';
import { WebhookReceiver, type ReceivedWebhook } from './support/webhook-receiver';

const sources = new SourceServer();
const receiver = new WebhookReceiver();
// The backoff between attempts is minutes to hours; here it is 20 ms.
const api = useLocalApi([sources, receiver], { waitTimeOverridesMs: { WebhookBackoff: 20 } });

/** Standard Webhooks verification, written out independently of the service's code. */
function verifies(secret: string, webhook: ReceivedWebhook): boolean {
  const id = webhook.headers['webhook-id']!;
  const timestamp = webhook.headers['webhook-timestamp']!;
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = Buffer.from(createHmac('sha256', key).update(`${id}.${timestamp}.${webhook.body}`).digest('base64'));
  return webhook.headers['webhook-signature']!.split(' ').some((sig) => {
    const [version, value] = sig.split(',');
    return version === 'v1' && value !== undefined && value.length === expected.length && timingSafeEqual(Buffer.from(value), expected);
  });
}

async function waitForWebhook(jobId: string, status: string, timeoutMs = 30_000): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = (await api.getJob(jobId)).body;
    if (job.webhook?.status === status) return job;
    if (Date.now() > deadline) throw new Error(`webhook of ${jobId} is ${JSON.stringify(job.webhook)}, not ${status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const file = () => sources.set(`/f/${Math.random().toString(36).slice(2)}.txt`, { body: Buffer.from('hello\n') });

describe('webhook settings', () => {
  it('creates a whsec_ secret on first read, keeps it, and lets the tenant set and clear a default URL', async () => {
    const first = await api.request('GET', '/settings/webhook');
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ success: true, url: null, secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]+=*$/) });
    expect(Buffer.from(first.body.secret.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);
    expect((await api.request('GET', '/settings/webhook')).body.secret).toBe(first.body.secret);

    const set = await api.request('PUT', '/settings/webhook', { body: { url: `${receiver.url}/default` } });
    expect(set.body).toEqual({ success: true, url: `${receiver.url}/default`, secret: first.body.secret });
    const cleared = await api.request('PUT', '/settings/webhook', { body: { url: null } });
    expect(cleared.body.url).toBeNull();

    const bad = await api.request('PUT', '/settings/webhook', { body: { url: 'ftp://example.com/hook' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'INVALID_REQUEST', details: [{ path: 'url', message: 'must be an http or https URL' }] });
    const unknown = await api.request('PUT', '/settings/webhook', { body: { url: null, secret: 'mine' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details).toEqual([{ path: 'secret', message: 'unknown field' }]);
  });

  it('keeps each tenant’s secret to itself', async () => {
    await seedApiKey(process.env.TABLE_NAME!, 'other-tenant-key', 'other');
    const mine = await api.request('GET', '/settings/webhook');
    const theirs = await api.request('GET', '/settings/webhook', { key: 'other-tenant-key' });
    expect(theirs.body.secret).toMatch(/^whsec_/);
    expect(theirs.body.secret).not.toBe(mine.body.secret);
  });

  it('refuses a job whose webhook_url is not an http(s) URL, naming the field', async () => {
    const res = await api.request('POST', '/jobs', { body: { urls: [file()], webhook_url: 'mailto:me@example.com' } });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ path: 'webhook_url', message: 'must be an http or https URL' }]);
  });
});

describe('webhook delivery', () => {
  it('retries a failing receiver with the same webhook-id until it answers 2xx, signing every attempt', async () => {
    const { secret } = (await api.request('GET', '/settings/webhook')).body;
    const url = receiver.answer('/flaky', [500, 500, 200]);
    const created = await api.request('POST', '/jobs', { body: { urls: [file()], webhook_url: url } });
    expect(created.status).toBe(201);
    const jobId = created.body.job_id;

    const job = await waitForWebhook(jobId, 'delivered');
    expect(job.status).toBe('completed');
    expect(job.webhook).toEqual({ id: expect.stringMatching(/^msg_/), status: 'delivered', attempts: 3, last_error: null });

    const calls = receiver.to('/flaky');
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((c) => c.headers['webhook-id']))).toEqual(new Set([job.webhook.id]));
    for (const call of calls) {
      expect(verifies(secret, call)).toBe(true);
      expect(call.headers['content-type']).toBe('application/json');
      expect(Math.abs(Number(call.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(300);
      const body = JSON.parse(call.body);
      expect(body).toMatchObject({ type: 'job.completed', timestamp: job.completed_at, data: { id: jobId, status: 'completed' } });
      expect(body.data.download_url).toBe(job.zips[0].download_url.replace(/^http:\/\/[^/]+/, api.url));
    }
    // A tampered body does not verify.
    expect(verifies(secret, { ...calls[2]!, body: calls[2]!.body.replace('completed', 'failed') })).toBe(false);
    // The last attempt's body shows the delivery so far.
    expect(JSON.parse(calls[2]!.body).data.webhook).toMatchObject({ status: 'pending', attempts: 2, last_error: 'HTTP 500' });
  });

  it('stops at 410 Gone and records it', async () => {
    const url = receiver.answer('/gone', [410, 200]);
    const created = await api.request('POST', '/jobs', { body: { urls: [file()], webhook_url: url } });
    const job = await waitForWebhook(created.body.job_id, 'gone');
    expect(job.webhook).toMatchObject({ status: 'gone', attempts: 1, last_error: 'HTTP 410' });
    await api.stack.stepFunctions.idle();
    expect(receiver.to('/gone')).toHaveLength(1);
  });

  it('gives up after 8 attempts without failing the job', async () => {
    const url = receiver.answer('/down', [503]);
    const created = await api.request('POST', '/jobs', { body: { urls: [file()], webhook_url: url } });
    const job = await waitForWebhook(created.body.job_id, 'failed');
    expect(job.status).toBe('completed');
    expect(job.webhook).toMatchObject({ status: 'failed', attempts: 8, last_error: 'HTTP 503' });
    expect(receiver.to('/down')).toHaveLength(8);
  });

  it('notifies job.failed at the tenant default, signed with the new and the rotated-out secret', async () => {
    const old = (await api.request('GET', '/settings/webhook')).body.secret;
    const rotated = await api.request('POST', '/settings/webhook/rotate');
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(old);
    await api.request('PUT', '/settings/webhook', { body: { url: receiver.answer('/default', [204]) } });

    const missing = sources.set('/missing.txt', { body: Buffer.alloc(0), status: 404 });
    const created = await api.request('POST', '/jobs', { body: { urls: [missing] } });
    const job = await waitForWebhook(created.body.job_id, 'delivered');
    expect(job.status).toBe('failed');

    const [call] = receiver.to('/default');
    expect(JSON.parse(call!.body)).toMatchObject({ type: 'job.failed', data: { id: job.id, status: 'failed', errors: [{ url: missing, error: 'HTTP 404' }] } });
    expect(call!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(verifies(rotated.body.secret, call!)).toBe(true);
    expect(verifies(old, call!)).toBe(true);
    await api.request('PUT', '/settings/webhook', { body: { url: null } });
  });

  it('does nothing when no URL is configured', async () => {
    const before = receiver.received.length;
    const created = await api.request('POST', '/jobs', { body: { urls: [file()] } });
    const job = await api.waitForJob(created.body.job_id);
    await api.stack.stepFunctions.idle();
    expect(job.webhook).toBeNull();
    expect((await api.getJob(job.id)).body.webhook).toBeNull();
    expect(receiver.received.length).toBe(before);
  });
});
