import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  afterAttempt,
  MAX_WEBHOOK_ATTEMPTS,
  newWebhookSecret,
  secretKey,
  signature,
  signedHeaders,
  webhookBackoffSeconds,
  webhookMessageId,
  webhookUrlProblem,
} from '../../lambdas/core/webhooks';

describe('Standard Webhooks signing', () => {
  it('reproduces the specification’s published test vector', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    expect(signature(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  it('signs "{id}.{timestamp}.{body}" with the decoded key bytes, for any body', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 24, maxLength: 64 }), fc.string(), fc.integer({ min: 0, max: 2 ** 33 }), (key, body, ts) => {
        const secret = `whsec_${Buffer.from(key).toString('base64')}`;
        const expected = createHmac('sha256', Buffer.from(key)).update(`msg_1.${ts}.${body}`).digest('base64');
        expect(signature(secret, 'msg_1', ts, body)).toBe(`v1,${expected}`);
      }),
    );
  });

  it('sends one space-separated signature per secret, with the id and timestamp headers', () => {
    const [a, b] = [newWebhookSecret(randomBytes), newWebhookSecret(randomBytes)];
    const headers = signedHeaders([a, b], 'msg_x', 1700000000, '{}');
    expect(headers['webhook-id']).toBe('msg_x');
    expect(headers['webhook-timestamp']).toBe('1700000000');
    expect(headers['webhook-signature'].split(' ')).toEqual([signature(a, 'msg_x', 1700000000, '{}'), signature(b, 'msg_x', 1700000000, '{}')]);
    expect(() => signedHeaders([], 'msg_x', 1, '{}')).toThrow();
  });

  it('makes whsec_ secrets of 32 random bytes, and reads them with or without the prefix', () => {
    const secret = newWebhookSecret(randomBytes);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(secretKey(secret)).toHaveLength(32);
    expect(secretKey(secret.slice(6)).equals(secretKey(secret))).toBe(true);
    expect(newWebhookSecret(randomBytes)).not.toBe(secret);
  });

  it('keeps one message id per job run', () => {
    expect(webhookMessageId('3f0c1d2e-0000-4000-8000-000000000001', 1)).toBe('msg_3f0c1d2e000040008000000000000001_1');
    expect(webhookMessageId('a-b', 2)).not.toBe(webhookMessageId('a-b', 1));
  });
});

describe('delivery outcomes', () => {
  const now = new Date('2026-04-22T10:00:00.000Z');
  const at = { now, random: 0.5 };
  const first = { id: 'msg_1', attempts: 0 };

  it('2xx is delivered, 410 is gone, both final', () => {
    expect(afterAttempt(first, { kind: 'response', status: 204 }, at)).toEqual({
      delivery: { id: 'msg_1', status: 'delivered', attempts: 1, last_error: null, last_attempt_at: now.toISOString() },
    });
    expect(afterAttempt({ id: 'msg_1', attempts: 3 }, { kind: 'response', status: 410 }, at)).toEqual({
      delivery: { id: 'msg_1', status: 'gone', attempts: 4, last_error: 'HTTP 410', last_attempt_at: now.toISOString() },
    });
  });

  it('other statuses and timeouts are retried after a wait, until the last attempt fails for good', () => {
    for (const outcome of [
      { kind: 'response', status: 500 },
      { kind: 'response', status: 302 },
      { kind: 'response', status: 404 },
      { kind: 'error', error: 'timeout', permanent: false },
    ] as const) {
      const step = afterAttempt(first, outcome, at);
      expect(step.delivery.status, JSON.stringify(outcome)).toBe('pending');
      expect(step.waitSeconds).toBeGreaterThan(0);
    }
    const last = afterAttempt({ id: 'msg_1', attempts: MAX_WEBHOOK_ATTEMPTS - 1 }, { kind: 'response', status: 500 }, at);
    expect(last).toEqual({ delivery: expect.objectContaining({ status: 'failed', attempts: MAX_WEBHOOK_ATTEMPTS, last_error: 'HTTP 500' }) });
  });

  it('does not retry a URL that cannot work (blocked address)', () => {
    const step = afterAttempt(first, { kind: 'error', error: 'blocked address', permanent: true }, at);
    expect(step).toEqual({ delivery: expect.objectContaining({ status: 'failed', attempts: 1, last_error: 'blocked address' }) });
  });

  it('backs off exponentially with jitter, capped at 2 h, spreading 8 attempts over hours', () => {
    const waits = (random: number) => Array.from({ length: MAX_WEBHOOK_ATTEMPTS - 1 }, (_, i) => webhookBackoffSeconds(i + 1, random));
    expect(waits(0.5)).toEqual([15, 60, 240, 960, 3840, 7200, 7200]);
    const total = (random: number) => waits(random).reduce((a, b) => a + b, 0);
    expect(total(0) / 3600).toBeGreaterThan(4);
    expect(total(0.999) / 3600).toBeLessThan(7);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, random) => {
        const wait = webhookBackoffSeconds(attempt, random);
        const base = Math.min(7200, 15 * 4 ** (attempt - 1));
        expect(Number.isInteger(wait)).toBe(true);
        expect(wait).toBeGreaterThanOrEqual(Math.min(Math.floor(base * 0.8), 7200));
        expect(wait).toBeLessThanOrEqual(7200);
      }),
    );
  });

  it('waits at least as long as a Retry-After asks, up to the cap', () => {
    expect(afterAttempt(first, { kind: 'response', status: 429, retryAfterSeconds: 600 }, at).waitSeconds).toBe(600);
    expect(afterAttempt(first, { kind: 'response', status: 503, retryAfterSeconds: 10 ** 6 }, at).waitSeconds).toBe(7200);
  });
});

describe('webhook URL rules', () => {
  const deployed = { allowPrivateAddresses: false };
  const local = { allowPrivateAddresses: true };

  it('wants https in a deployed stack, and accepts http in the local one', () => {
    expect(webhookUrlProblem('https://hooks.example.com/zip?x=1', deployed)).toBeUndefined();
    expect(webhookUrlProblem('http://hooks.example.com/zip', deployed)).toBe('must be an https URL');
    expect(webhookUrlProblem('http://127.0.0.1:9000/hook', local)).toBeUndefined();
    for (const bad of ['ftp://example.com/', 'not a url', '/relative', 'mailto:a@example.com']) {
      expect(webhookUrlProblem(bad, deployed), bad).toBe('must be an https URL');
      expect(webhookUrlProblem(bad, local), bad).toBe('must be an http or https URL');
    }
    expect(webhookUrlProblem(`https://example.com/${'a'.repeat(3000)}`, deployed)).toMatch(/at most 2048/);
  });

  it('refuses private and loopback literals and localhost when deployed (names are checked on delivery)', () => {
    for (const url of ['https://127.0.0.1/', 'https://10.1.2.3/', 'https://[::1]/', 'https://169.254.169.254/', 'https://localhost/', 'https://0x7f000001/']) {
      expect(webhookUrlProblem(url, deployed), url).toBe('must not point to a private or loopback address');
    }
    expect(webhookUrlProblem('https://93.184.215.14/hook', deployed)).toBeUndefined();
  });
});
