/**
 * Each download link (a token or a ZipBall's id) has a rate of its own: at
 * most `perMinute` started requests in each minute, counted in fixed windows;
 * a refusal is 429 RATE_LIMITED whose Retry-After reaches the next window.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { UsageStore } from '../../lambdas/adapters/usage-store';
import { InvalidTokenError, RateLimitedError } from '../../lambdas/core/errors';
import { rateWindow } from '../../lambdas/core/rate-window';
import { createToken, type SigningKeys } from '../../lambdas/core/tokens';
import { admitDownload } from '../../lambdas/usecases/admit-request';
import { resolveToken } from '../../lambdas/usecases/read-job';
import { findZipball } from '../../lambdas/usecases/zipball';
import { exampleJob } from '../support/job-fixture';
import { memoryJobLists } from '../support/memory-lists';
import { memoryJobStore } from '../support/memory-stores';

/** The store's conditional counter: one count per (link, window), raised only while under the limit. */
function memoryCounter() {
  const counts = new Map<string, number>();
  const store: Pick<UsageStore, 'admitDownload'> = {
    async admitDownload(link, windowStart, _seconds, limit) {
      const key = `${link}@${windowStart}`;
      const n = counts.get(key) ?? 0;
      if (n >= limit) return false;
      counts.set(key, n + 1);
      return true;
    },
  };
  return { store, counts };
}

const T0 = Date.parse('2026-12-02T07:00:00.000Z');

describe('the rate window', () => {
  it('starts on the minute, holds the instant, and its Retry-After lands in the next window', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), (now) => {
        const { startSeconds, retryAfterSeconds } = rateWindow(now);
        expect(startSeconds % 60).toBe(0);
        expect(startSeconds * 1000).toBeLessThanOrEqual(now);
        expect(now).toBeLessThan((startSeconds + 60) * 1000);
        expect(retryAfterSeconds).toBeGreaterThanOrEqual(1);
        expect(retryAfterSeconds).toBeLessThanOrEqual(60);
        // A client that waits as told asks in the next window, and no later than a second into it.
        expect(now + retryAfterSeconds * 1000).toBeGreaterThanOrEqual((startSeconds + 60) * 1000);
        expect(now + retryAfterSeconds * 1000).toBeLessThan((startSeconds + 61) * 1000);
      }),
      { numRuns: 500 },
    );
  });
});

describe('admitDownload', () => {
  it('admits exactly the first perMinute requests of each link in each minute', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.record({ link: fc.constantFrom('a', 'b', 'c'), at: fc.integer({ min: 0, max: 3 * 60_000 - 1 }) }), { maxLength: 40 }),
        async (perMinute, requests) => {
          const { store } = memoryCounter();
          const seen = new Map<string, number>();
          for (const { link, at } of requests.sort((x, y) => x.at - y.at)) {
            const key = `${link}@${Math.floor((T0 + at) / 60_000)}`;
            const before = seen.get(key) ?? 0;
            seen.set(key, before + 1);
            const outcome = await admitDownload(store, link, perMinute, T0 + at).then(
              () => 'admitted',
              (error: unknown) => error,
            );
            if (before < perMinute) expect(outcome).toBe('admitted');
            else {
              expect(outcome).toBeInstanceOf(RateLimitedError);
              expect((outcome as RateLimitedError).status).toBe(429);
              expect((outcome as RateLimitedError).retryAfterSeconds).toBe(rateWindow(T0 + at).retryAfterSeconds);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('counts nothing when the limit is 0 (off)', async () => {
    const { store, counts } = memoryCounter();
    for (let i = 0; i < 50; i++) await admitDownload(store, 'a', 0, T0);
    expect(counts.size).toBe(0);
  });
});

describe('where a download is counted', () => {
  const keys: SigningKeys = { active: 'k1', keys: new Map([['k1', Buffer.from('a-signing-key-0123456789abcdef')]]) };
  const job = exampleJob({ id: '6f1c0c2e-1111-4a4a-8b8b-000000000001', status: 'completed', expires_at: '2027-01-01T00:00:00.000Z' });
  const token = createToken({ j: job.id, z: 'zip_1', e: Date.parse(job.expires_at) / 1000 }, keys);

  it('counts a token once its signature holds, and refuses it over the rate before reading the job', async () => {
    const store = memoryJobStore([job]);
    store.zipsOf(job.id).set(1, { id: 'zip_1', sequence: 1, status: 'completed' } as never);
    let reads = 0;
    const counted = memoryCounter();
    const deps = {
      store: { ...store, getJobWithZips: (id: string) => (reads++, store.getJobWithZips(id)) },
      signingKeys: async () => keys,
      now: () => new Date(T0),
      admit: (link: string) => admitDownload(counted.store, link, 2, T0),
    };
    await expect(resolveToken(deps, `${token.slice(0, -2)}xx`)).rejects.toThrow(InvalidTokenError);
    expect(counted.counts.size).toBe(0);
    await resolveToken(deps, token);
    await resolveToken(deps, token);
    expect(reads).toBe(2);
    await expect(resolveToken(deps, token)).rejects.toThrow(RateLimitedError);
    expect(reads).toBe(2);
  });

  it("counts a ZipBall by its id, and not a path that names none", async () => {
    const counted = memoryCounter();
    const deps = { store: memoryJobStore(), lists: memoryJobLists(), now: () => new Date(T0), admit: (link: string) => admitDownload(counted.store, link, 1, T0) };
    await expect(findZipball(deps, 'not-a-ball.zip')).rejects.toThrow('no such ZipBall');
    expect(counted.counts.size).toBe(0);
    await expect(findZipball(deps, `${job.id}.zip`)).rejects.toThrow('no such ZipBall');
    await expect(findZipball(deps, `${job.id}.zip`)).rejects.toThrow(RateLimitedError);
    expect([...counted.counts.keys()]).toEqual([`${job.id}@${rateWindow(T0).startSeconds}`]);
  });
});
