/**
 * Stream mode as a user sees it: a job that stores nothing, whose ZIP is
 * built by every download, with an exact length, ranges and the same bytes
 * every time; sources that changed or fail; the stream quota; split stream
 * jobs; many downloads at once.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PLAN, type Plan } from '../../lambdas/core/plans';
import { seedApiKey } from '../../lib/local/seed';
import { checkWith7z, checkWithBsdtarStreaming, checkWithPython, checkWithUnzip, readZipWithYauzl, scanZipWithYauzl } from '../support/zip-readers';
import { FaultServer } from './support/fault-server';
import { SyntheticSources } from './support/synthetic-sources';
import { useLocalApi } from './support/use-local-api';

const sources = new FaultServer();
const synthetic = new SyntheticSources();
const noStream: Plan = { ...DEFAULT_PLAN, name: 'no-stream', monthly_stream_gb: 0 };
// One small download uses this up.
const meteredStream: Plan = { ...DEFAULT_PLAN, name: 'metered-stream', monthly_stream_gb: 1e-9 };
const api = useLocalApi([sources, synthetic], { plans: [DEFAULT_PLAN, noStream, meteredStream] });
const dir = mkdtempSync(join(tmpdir(), 'zipjobs-stream-'));

beforeAll(async () => {
  await seedApiKey(process.env.TABLE_NAME!, 'no-stream-key', 'no-stream-tenant', 'no-stream');
  await seedApiKey(process.env.TABLE_NAME!, 'metered-stream-key', 'metered-stream-tenant', 'metered-stream');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Sources of the given sizes, with validators; returns their URLs and bytes. */
function serve(prefix: string, sizes: readonly number[]) {
  return sizes.map((size, i) => {
    const body = randomBytes(size);
    const path = `/${prefix}/f${i}.bin`;
    const url = sources.set(path, { body, etag: `"${prefix}-${i}"`, lastModified: 'Tue, 01 Dec 2026 10:00:00 GMT', chunkSize: 16 * 1024 });
    return { url, path, name: `f${i}.bin`, body };
  });
}

async function streamJob(files: readonly { url: string }[], extra: Record<string, unknown> = {}, key?: string) {
  const res = await api.request('POST', '/jobs', { body: { files: files.map((f) => ({ url: f.url })), mode: 'stream', compression: 'store', ...extra }, key });
  expect(res.status).toBe(201);
  const job = await api.waitForJob(res.body.job_id, undefined, undefined, key);
  expect(job.status).toBe('completed');
  return job;
}

async function get(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers, redirect: 'manual' });
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

describe('stream mode', () => {
  it('streams an exact-length ZIP that every reader accepts, the same bytes on every download', async () => {
    const files = serve('whole', [300_000, 0, 1, 70_000]);
    const job = await streamJob(files, { zip_filename: 'streamed' });
    expect(job.zip_size).toBeGreaterThan(370_001);
    const first = await get(job.download_url);
    expect(first.res.status).toBe(200);
    expect(first.res.headers.get('content-length')).toBe(String(job.zip_size));
    expect(first.res.headers.get('accept-ranges')).toBe('bytes');
    expect(first.res.headers.get('etag')).toMatch(/^".+"$/);
    expect(first.res.headers.get('content-disposition')).toContain('streamed.zip');
    expect(first.bytes.length).toBe(job.zip_size);
    const entries = await readZipWithYauzl(first.bytes);
    expect(entries.map((e) => e.name)).toEqual(files.map((f) => f.name));
    entries.forEach((e, i) => expect(e.data.equals(files[i]!.body)).toBe(true));
    // The names are fixed when the job is prepared, so the job shows them before any download.
    expect(job.files.map((f: { entry_name: string }) => f.entry_name)).toEqual(files.map((f) => f.name));
    const path = join(dir, 'whole.zip');
    writeFileSync(path, first.bytes);
    expect(await checkWithPython(path)).toHaveLength(4);
    await checkWithUnzip(path);
    await checkWith7z(path);
    const streamed = await checkWithBsdtarStreaming(path);
    if (!streamed.skipped) expect(streamed.dataSha256).toBe(sha(Buffer.concat(files.map((f) => f.body))));

    const second = await get(job.download_url);
    expect(second.bytes.equals(first.bytes)).toBe(true);
    const head = await fetch(job.download_url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(job.zip_size));
    expect(head.headers.get('etag')).toBe(first.res.headers.get('etag'));
  });

  it('answers any range with that slice of the whole, central directory first, fetching only what the range needs', async () => {
    const files = serve('ranges', [50_000, 20_000, 0, 90_000, 5]);
    const job = await streamJob(files);
    const total: number = job.zip_size;
    // Before any whole download: the last 100 bytes need every CRC.
    const tail = await get(job.download_url, { Range: 'bytes=-100' });
    expect(tail.res.status).toBe(206);
    expect(tail.res.headers.get('content-range')).toBe(`bytes ${total - 100}-${total - 1}/${total}`);
    const { bytes: whole, res } = await get(job.download_url);
    expect(tail.bytes.equals(whole.subarray(total - 100))).toBe(true);
    const etag = res.headers.get('etag')!;

    // A range inside the first file's data asks its source for just those bytes.
    const before = sources.requestsFor(files[0]!.path).length;
    const inner = await get(job.download_url, { Range: 'bytes=1000-1999' });
    expect(inner.bytes.equals(whole.subarray(1000, 2000))).toBe(true);
    const asked = sources.requestsFor(files[0]!.path).slice(before);
    expect(asked).toHaveLength(1);
    expect(asked[0]!.range).toMatch(/^bytes=\d+-\d+$/);
    expect(asked[0]!.ifRange).toBe('"ranges-0"');

    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 50; i++) {
      const a = Math.floor(next() * total);
      const b = Math.min(total - 1, a + Math.floor(next() * (i % 2 ? 200 : total)));
      const r = await get(job.download_url, { Range: `bytes=${a}-${b}`, ...(i % 5 === 0 && { 'If-Range': etag }) });
      expect(r.res.status).toBe(206);
      expect(r.bytes.equals(whole.subarray(a, b + 1))).toBe(true);
    }
    // If-Range with another tag: the whole archive.
    const stale = await get(job.download_url, { Range: 'bytes=0-9', 'If-Range': '"other"' });
    expect(stale.res.status).toBe(200);
    expect(stale.bytes.equals(whole)).toBe(true);
    const past = await get(job.download_url, { Range: `bytes=${total}-` });
    expect(past.res.status).toBe(416);
  });

  it('answers 502 SOURCE_FAILED naming the URL when a source changed since it was probed', async () => {
    const [file] = serve('changed', [10_000]);
    const job = await streamJob([file!]);
    sources.set(file!.path, { body: randomBytes(10_000), etag: '"changed-0-v2"', lastModified: 'Wed, 02 Dec 2026 10:00:00 GMT' });
    const { res, bytes } = await get(job.download_url);
    expect(res.status).toBe(502);
    const body = JSON.parse(bytes.toString('utf8'));
    expect(body.error.code).toBe('SOURCE_FAILED');
    expect(body.error.message).toContain(file!.url);
  });

  it('cuts the transfer short when a source dies mid-stream, so the archive never looks complete', async () => {
    const body = randomBytes(600_000);
    const url = sources.set('/dies.bin', { body, etag: '"dies"', chunkSize: 50_000, resetAfter: { bytes: 200_000, count: 10 } });
    const job = await streamJob([{ url }]);
    const res = await fetch(job.download_url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(job.zip_size));
    let received = 0;
    const reading = (async () => {
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) received += chunk.length;
    })();
    await expect(reading).rejects.toThrow();
    expect(received).toBeLessThan(job.zip_size);
  });

  it('streams DEFLATE entries without a length or ranges, the same bytes every time', async () => {
    const text = Buffer.from('stream me '.repeat(20_000));
    const url = sources.set('/text.txt', { body: text, etag: '"text"' });
    const job = await streamJob([{ url }], { compression: 'deflate' });
    expect(job.zip_size).toBeNull();
    expect(job.total_size).toBeNull();
    // The listing says the same: the size is not known, not 0.
    const listed = await api.request('GET', '/jobs?limit=20');
    expect(listed.body.jobs.find((j: { id: string }) => j.id === job.id)).toMatchObject({ zip_size: null, total_size: null });
    const first = await get(job.download_url);
    expect(first.res.status).toBe(200);
    expect(first.res.headers.get('content-length')).toBeNull();
    expect(first.res.headers.get('accept-ranges')).toBe('none');
    const [entry] = await readZipWithYauzl(first.bytes);
    expect(entry!.data.equals(text)).toBe(true);
    expect(first.bytes.length).toBeLessThan(text.length / 10);
    const second = await get(job.download_url);
    expect(second.bytes.equals(first.bytes)).toBe(true);
  });

  it('counts bytes sent against the monthly stream quota: 403 QUOTA_EXCEEDED once it is used up', async () => {
    const files = serve('quota', [2000]);
    const refused = await streamJob(files, {}, 'no-stream-key');
    const none = await get(refused.download_url);
    expect(none.res.status).toBe(403);
    expect(JSON.parse(none.bytes.toString()).error.code).toBe('QUOTA_EXCEEDED');

    const metered = await streamJob(files, {}, 'metered-stream-key');
    expect((await get(metered.download_url)).res.status).toBe(200);
    const after = await get(metered.download_url);
    expect(after.res.status).toBe(403);
    expect(JSON.parse(after.bytes.toString()).error.code).toBe('QUOTA_EXCEEDED');
  });

  it('splits a stream job into ZIPs under the cap, each with its own token', async () => {
    const mib = 1024 * 1024;
    const urls = [40, 40, 40].map((n, i) => synthetic.set(`/split-${i}.bin`, { size: n * mib }));
    const job = await streamJob(urls.map((url) => ({ url })), { max_zip_size_bytes: 100 * mib });
    expect(job.zips).toHaveLength(2);
    const links = job.zips.map((z: { download_url: string }) => z.download_url);
    expect(new Set(links).size).toBe(2);
    for (const [i, zip] of job.zips.entries()) {
      const { res, bytes } = await get(zip.download_url);
      expect(res.status).toBe(200);
      expect(bytes.length).toBe(zip.size);
      expect(zip.size).toBeLessThanOrEqual(100 * mib);
      const entries = await scanZipWithYauzl(bytes);
      expect(entries.length).toBe(i === 0 ? 2 : 1);
    }
  });

  it('serves 20 downloads of one job at once, all identical', async () => {
    const files = serve('concurrent', [120_000, 80_000]);
    const job = await streamJob(files);
    const all = await Promise.all(Array.from({ length: 20 }, () => get(job.download_url)));
    const hashes = new Set(all.map((d) => sha(d.bytes)));
    expect(all.every((d) => d.res.status === 200 && d.bytes.length === job.zip_size)).toBe(true);
    expect(hashes.size).toBe(1);
  });
});
