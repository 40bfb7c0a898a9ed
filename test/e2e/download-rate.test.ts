/**
 * Each download link has a rate of its own (DOWNLOAD_REQUESTS_PER_MINUTE, 6
 * here): a download manager's HEAD and parallel Range requests fit, the
 * requests after them in the same minute are answered 429 RATE_LIMITED with
 * Retry-After, and another link, or a forged one, is not affected.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SourceServer } from './support/source-server';
import { useLocalApi } from './support/use-local-api';
import { roomInTheMinute } from './support/minute';

const LIMIT = 6;
const sources = new SourceServer();
const api = useLocalApi(sources, { downloadRequestsPerMinute: LIMIT });

async function completedJob(body: Record<string, unknown>) {
  const res = await api.request('POST', '/jobs', { body });
  expect(res.status).toBe(201);
  const job = await api.waitForJob(res.body.job_id);
  expect(job.status).toBe('completed');
  return job;
}

/** Waits out the last seconds of a minute, so that a burst falls in one window. */

describe('download rate per link', () => {
  it("lets a download manager's HEAD and parallel ranges through, then answers 429 with Retry-After until the minute turns", async () => {
    const url = sources.set('/rate/data.bin', { body: randomBytes(200_000) });
    const stream = await completedJob({ files: [{ url }], mode: 'stream', compression: 'store' });
    const stored = await completedJob({ files: [{ url }] });
    // Download loaded in both its environments first (a forged link is refused, and not counted), so the burst below
    // takes seconds, not cold starts.
    const forgedStream = `${stream.download_url.slice(0, -4)}AAAA`;
    expect((await Promise.all([fetch(forgedStream), fetch(forgedStream)])).map((r) => r.status)).toEqual([403, 403]);
    await roomInTheMinute(20_000);

    // A download manager: HEAD for the length, then four segments at once.
    const head = await fetch(stream.download_url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    const size = Number(head.headers.get('content-length'));
    const quarter = Math.ceil(size / 4);
    const segments = await Promise.all(
      [0, 1, 2, 3].map(async (i) => {
        const res = await fetch(stream.download_url, { headers: { range: `bytes=${i * quarter}-${Math.min(size, (i + 1) * quarter) - 1}` } });
        return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
      }),
    );
    expect(segments.map((s) => s.status)).toEqual([206, 206, 206, 206]);
    expect(Buffer.concat(segments.map((s) => s.bytes)).length).toBe(size);
    expect((await fetch(stream.download_url)).status).toBe(200);

    // The seventh request of the minute.
    const refused = await fetch(stream.download_url, { headers: { range: 'bytes=0-9' } });
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await refused.json()).toEqual({ success: false, error: { code: 'RATE_LIMITED', message: `too many requests for this download link: at most ${LIMIT} a minute` } });
    expect((await fetch(stream.download_url, { method: 'HEAD' })).status).toBe(429);

    // Another link has its own count; a forged one is refused as such, not counted.
    await roomInTheMinute();
    for (let i = 0; i < LIMIT; i++) expect((await fetch(stored.download_url, { redirect: 'manual' })).status).toBe(302);
    expect((await fetch(stored.download_url, { redirect: 'manual' })).status).toBe(429);
    const forged = `${stored.download_url.slice(0, -4)}AAAA`;
    for (let i = 0; i < LIMIT + 1; i++) expect((await fetch(forged, { redirect: 'manual' })).status).toBe(403);
  }, 120_000);
});
