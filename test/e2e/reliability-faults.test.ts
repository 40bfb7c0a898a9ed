/**
 * Sources that misbehave the way real servers do: BuildZip retries what may
 * pass (bounded, honouring Retry-After), resumes a broken body with Range or
 * restarts the entry, and records what does not pass while the archive stays
 * valid.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkWithUnzip, readZipWithYauzl } from '../support/zip-readers';
import { FaultServer } from './support/fault-server';
import { useLocalApi } from './support/use-local-api';

// Read by the BuildZip handler at its first load: a stalled source fails in 1 s.
process.env.SOURCE_IDLE_TIMEOUT_MS = '1000';

const sources = new FaultServer();
const api = useLocalApi(sources);
const scratch = mkdtempSync(join(tmpdir(), 'zipjobs-faults-'));

afterAll(() => {
  delete process.env.SOURCE_IDLE_TIMEOUT_MS;
});

async function run(body: Record<string, unknown>) {
  const created = await api.request('POST', '/jobs', { body });
  expect(created.status).toBe(201);
  return api.waitForJob(created.body.job_id, ['completed', 'failed'], 120_000);
}

async function entriesOf(job: Record<string, any>, file: string) {
  const { bytes } = await api.download(job.download_url);
  const path = join(scratch, file);
  writeFileSync(path, bytes);
  await checkWithUnzip(path);
  return readZipWithYauzl(bytes);
}

describe('source faults', () => {
  it('retries 503 with Retry-After: 1, waiting as asked', async () => {
    const body = randomBytes(50_000);
    const url = sources.set('/busy.bin', { body, failFirst: { count: 2, status: 503, retryAfter: '1' } });
    const job = await run({ files: [{ url }] });
    expect(job.status).toBe('completed');
    const requests = sources.requestsFor('/busy.bin');
    expect(requests).toHaveLength(3);
    expect(requests[1]!.at - requests[0]!.at).toBeGreaterThanOrEqual(950);
    expect(requests[2]!.at - requests[1]!.at).toBeGreaterThanOrEqual(950);
    const entries = await entriesOf(job, 'busy.zip');
    expect(entries[0]!.data.equals(body)).toBe(true);
  }, 60_000);

  it('gives up on a source that stays unavailable after a bounded number of attempts', async () => {
    const good = sources.set('/good1.txt', { body: Buffer.from('fine') });
    const down = sources.set('/down.bin', { body: Buffer.from('never'), failFirst: { count: 1000, status: 503, retryAfter: '0' } });
    const job = await run({ urls: [good, down], fail_on_url_error: false });
    expect(job.status).toBe('completed');
    expect(job.errors).toEqual([{ url: down, error: 'HTTP 503' }]);
    expect(sources.requestsFor('/down.bin')).toHaveLength(3);
    expect((await entriesOf(job, 'down.zip')).map((e) => e.name)).toEqual(['good1.txt']);
  }, 60_000);

  it('resumes a body reset mid-transfer with Range', async () => {
    const body = randomBytes(3_000_000);
    const url = sources.set('/reset.jpg', { body, etag: '"r1"', chunkSize: 100_000, resetAfter: { bytes: 1_000_000, count: 1 } });
    const job = await run({ files: [{ url }] });
    expect(job.status).toBe('completed');
    expect(job.errors).toEqual([]);
    const requests = sources.requestsFor('/reset.jpg');
    expect(requests).toHaveLength(2);
    expect(requests[1]!.range).toMatch(/^bytes=[1-9]\d*-$/);
    expect(requests[1]!.ifRange).toBe('"r1"');
    const entries = await entriesOf(job, 'reset.zip');
    expect(entries[0]!.data.equals(body)).toBe(true);
  }, 60_000);

  it('restarts an entry from byte 0 when the source reset and cannot serve ranges (STORE and DEFLATE)', async () => {
    const stored = randomBytes(2_000_000);
    const text = Buffer.from('line of text\n'.repeat(150_000));
    const a = sources.set('/noranges.jpg', { body: stored, ranges: false, chunkSize: 100_000, resetAfter: { bytes: 700_000, count: 1 } });
    const b = sources.set('/noranges.txt', { body: text, ranges: false, chunkSize: 100_000, resetAfter: { bytes: 900_000, count: 1 } });
    const after = sources.set('/after.txt', { body: Buffer.from('after') });
    const job = await run({ urls: [a, b, after] });
    expect(job.status).toBe('completed');
    expect(job.errors).toEqual([]);
    expect(sources.requestsFor('/noranges.jpg').map((r) => r.range)).toEqual([undefined, undefined]);
    const entries = await entriesOf(job, 'restart.zip');
    expect(entries.map((e) => e.name)).toEqual(['noranges.jpg', 'noranges.txt', 'after.txt']);
    expect(entries[0]!.data.equals(stored)).toBe(true);
    expect(entries[1]!.data.equals(text)).toBe(true);
  }, 60_000);

  it('records a stalled source as a timeout and keeps the rest when fail_on_url_error is false', async () => {
    const good = sources.set('/good2.txt', { body: Buffer.from('fine') });
    const stall = sources.set('/stall.bin', { body: randomBytes(500_000), ranges: false, chunkSize: 50_000, stallAfter: 100_000 });
    const job = await run({ urls: [stall, good], fail_on_url_error: false });
    expect(job.status).toBe('completed');
    expect(job.errors).toEqual([{ url: stall, error: 'timeout' }]);
    expect(sources.requestsFor('/stall.bin').length).toBeLessThanOrEqual(4); // bounded
    expect((await entriesOf(job, 'stall.zip')).map((e) => e.name)).toEqual(['good2.txt']);
  }, 60_000);

  it('fails the job on a stalled source when fail_on_url_error is true', async () => {
    const good = sources.set('/good3.txt', { body: Buffer.from('fine') });
    const stall = sources.set('/stall2.bin', { body: randomBytes(500_000), ranges: false, chunkSize: 50_000, stallAfter: 100_000 });
    const job = await run({ urls: [good, stall], fail_on_url_error: true });
    expect(job.status).toBe('failed');
    expect(job.errors).toEqual([{ url: stall, error: 'timeout' }]);
  }, 60_000);

  it('records a source that announces more bytes than it sends, and the archive stays valid', async () => {
    const good = sources.set('/good4.txt', { body: Buffer.from('fine') });
    const liar = sources.set('/liar.bin', { body: randomBytes(200_000), ranges: false, announcedLength: 300_000 });
    const job = await run({ urls: [good, liar], fail_on_url_error: false });
    expect(job.status).toBe('completed');
    expect(job.errors).toHaveLength(1);
    expect(job.errors[0]).toMatchObject({ url: liar, error: expect.stringMatching(/connection failed|size mismatch/) });
    const entries = await entriesOf(job, 'liar.zip');
    expect(entries.map((e) => [e.name, e.data.toString()])).toEqual([['good4.txt', 'fine']]);
  }, 60_000);
});
