/**
 * Answers stay bounded whatever the job's size: a job's errors and files are
 * shown in part (with their totals) and paged through exactly once each by
 * `GET /jobs/:id/errors` and `GET /jobs/:id/files`. The sources are one fast
 * in-process server with tiny files, so these run in seconds.
 */
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { useLocalApi } from './support/use-local-api';
import { BulkSource } from './support/bulk-source';
import type { LocalApi } from './support/local-api';
import { seedApiKey } from '../../lib/local/seed';
import { readZipWithYauzl } from '../support/zip-readers';
import { ANSWER_LIMITS } from '../../lambdas/core/jobs/answer-limits';
import { MAX_BODY_BYTES } from '../../lambdas/core/api/limits';

const source = new BulkSource();
const api = useLocalApi(source);

/**
 * Waits for the job to end, polling the listing (one small query: a GET of
 * a job this size reads megabytes), then GETs it once, with the answer's size.
 */
async function finished(id: string, timeoutMs = 150_000): Promise<{ job: Record<string, any>; bytes: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const listed = await api.request('GET', '/jobs?limit=5');
    const status = listed.body.jobs?.find((j: { id: string }) => j.id === id)?.status;
    if (status === 'completed' || status === 'failed') break;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${status}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  const res = await fetch(`${api.url}/jobs/${id}`, { headers: { 'X-API-Key': api.stack.apiKey } });
  const text = await res.text();
  expect(res.status, text.slice(0, 500)).toBe(200);
  return { job: JSON.parse(text).job, bytes: Buffer.byteLength(text) };
}

/** POST /uploads, then the list PUT to the URL it gave, as a client does. */
async function upload(text: string, key?: string): Promise<string> {
  const created = await api.request('POST', '/uploads', { key });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ success: true, upload_id: expect.any(String), url: expect.stringMatching(/^http/) });
  const put = await fetch(created.body.url, { method: 'PUT', body: text });
  expect(put.status).toBe(200);
  return created.body.upload_id;
}

/** Every entry of a paged listing, following next_cursor to the end. */
async function pageAll(client: LocalApi, path: string, field: 'errors' | 'files'): Promise<{ items: any[]; pages: number; total: number }> {
  const items: any[] = [];
  let cursor: string | null = null;
  let pages = 0;
  let total = 0;
  do {
    const res: { status: number; body: any } = await client.request('GET', cursor ? `${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}` : path);
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    items.push(...res.body[field]);
    expect(res.body.meta.has_more).toBe(res.body.meta.next_cursor !== null);
    total = res.body.meta.total;
    cursor = res.body.meta.next_cursor;
    pages++;
  } while (cursor);
  return { items, pages, total };
}

describe('bounded answers', () => {
  // Sizes are chosen to pass each bound with few files (each file is one fetch): long URLs make the
  // lists long in bytes. bench/bounded.ts runs the same at full scale (20,000 files) and times it.
  it('a job whose 1,500 URLs all fail shows its first errors within 1 MB with errors_count 1,500, and /errors pages each once across list chunks', async () => {
    // ~700-character URLs: 1,500 errors take ~1.1 MB, so the list spans several 256 KB chunk items.
    const urls = Array.from({ length: 1500 }, (_, i) => `${source.url}/missing/f${String(i).padStart(4, '0')}.txt?pad=${'p'.repeat(660)}`);
    const created = await api.request('POST', '/jobs', { body: { urls, fail_on_url_error: false } });
    expect(created.status).toBe(201);
    const { job, bytes } = await finished(created.body.job_id);

    expect(job).toMatchObject({ status: 'failed', errors_count: 1500, file_count: 0, files_truncated: false });
    // Everything but the file list (shown whole up to the 5 MB bound, here twice: files and the legacy urls) stays under 1 MB.
    const listsBytes = Buffer.byteLength(JSON.stringify(job.files)) + Buffer.byteLength(JSON.stringify(job.urls));
    expect(bytes - listsBytes).toBeLessThan(1_000_000);
    expect(bytes).toBeLessThanOrEqual(ANSWER_LIMITS.bytes);
    expect(job.files).toHaveLength(1500);
    expect(job.urls).toEqual(urls);
    // The first errors, as many as fit in the byte bound (long URLs: fewer than ANSWER_LIMITS.errors).
    expect(job.errors.length).toBeGreaterThan(500);
    expect(job.errors.length).toBeLessThanOrEqual(ANSWER_LIMITS.errors);
    expect(job.errors).toEqual(urls.slice(0, job.errors.length).map((url) => ({ url, error: 'HTTP 404' })));
    expect(job.zips[0]).toMatchObject({ status: 'failed', errors_count: 1500, errors: job.errors });

    // Pages of 700 start mid-chunk: each error still comes exactly once, in order.
    const { items, pages, total } = await pageAll(api, `/jobs/${job.id}/errors?limit=700`, 'errors');
    expect(total).toBe(1500);
    expect(pages).toBe(3);
    expect(items.map((e) => e.url)).toEqual(urls);
    expect(new Set(items.map((e) => e.error))).toEqual(new Set(['HTTP 404']));
  }, 180_000);

  it('a job whose body is just under 6 MB answers GET within 5 MB (files_truncated) and /files pages each file once with its entry name', async () => {
    // 700 files of 8,000-character URLs: a 5.6 MB body, and more files than a 5 MB answer holds.
    const names = Array.from({ length: 700 }, (_, i) => `f${String(i).padStart(3, '0')}.txt`);
    const files = names.map((name) => ({ url: source.okUrl(name, 8000) }));
    const body = JSON.stringify({ files });
    expect(Buffer.byteLength(body)).toBeGreaterThan(5_500_000);
    expect(Buffer.byteLength(body)).toBeLessThan(6 * 1024 * 1024);
    const created = await api.request('POST', '/jobs', { rawBody: body, headers: { 'Content-Type': 'application/json' } });
    expect(created.status).toBe(201);
    const { job, bytes } = await finished(created.body.job_id);

    expect(job).toMatchObject({ status: 'completed', file_count: 700, errors_count: 0, files_truncated: true });
    expect(bytes).toBeLessThanOrEqual(ANSWER_LIMITS.bytes);
    expect(job.files.length).toBeGreaterThan(500);
    expect(job.files.length).toBeLessThan(700);
    job.files.forEach((f: any, i: number) => expect(f).toEqual({ url: files[i]!.url, filename: null, entry_name: names[i] }));

    // A page stops before 5 MB too, whatever its limit.
    const { items, pages, total } = await pageAll(api, `/jobs/${job.id}/files`, 'files');
    expect(total).toBe(700);
    expect(pages).toBe(2);
    expect(items.map((f) => f.url)).toEqual(files.map((f) => f.url));
    expect(items.map((f) => f.entry_name)).toEqual(names);
  }, 180_000);

  it('a list past the 6 MB body limit, uploaded through /uploads, completes with every entry named as listed', async () => {
    // 800 files of 8,000-character URLs: 6.4 MB of NDJSON, every other one with a filename.
    const names = Array.from({ length: 800 }, (_, i) => `u${String(i).padStart(3, '0')}.txt`);
    const ndjson = names.map((name, i) => JSON.stringify(i % 2 ? { url: source.okUrl(name, 8000) } : { url: source.okUrl(name, 8000), filename: `named/${name}` })).join('\n');
    expect(Buffer.byteLength(ndjson)).toBeGreaterThan(6 * 1024 * 1024);
    const uploadId = await upload(ndjson);
    const created = await api.request('POST', '/jobs', { body: { files_from: uploadId, zip_filename: 'big' } });
    expect(created.status).toBe(201);
    const { job, bytes } = await finished(created.body.job_id);

    expect(job).toMatchObject({ status: 'completed', url_count: 800, file_count: 800, errors_count: 0, files_truncated: true });
    expect(bytes).toBeLessThanOrEqual(ANSWER_LIMITS.bytes);
    expect(job.files[1]).toEqual({ url: source.okUrl(names[1]!, 8000), filename: null, entry_name: names[1] });
    expect(job.files[0]).toMatchObject({ filename: `named/${names[0]}`, entry_name: `named/${names[0]}` });
    const { bytes: zip } = await api.download(job.zips[0].download_url);
    const entries = await readZipWithYauzl(zip);
    expect(entries.map((e) => e.name)).toEqual(names.map((n, i) => (i % 2 ? n : `named/${n}`)));
  }, 180_000);

  it('answers a body over 6 MB with 413 PAYLOAD_TOO_LARGE that clients read whole (Python\'s urllib, fetch), not a broken pipe', async () => {
    const body = JSON.stringify({ files: [{ url: `https://example.com/${'x'.repeat(3 * MAX_BODY_BYTES)}` }] });
    const script = [
      'import sys, urllib.request, urllib.error',
      'req = urllib.request.Request(sys.argv[1], data=sys.stdin.buffer.read(), headers={"Content-Type": "application/json", "X-API-Key": sys.argv[2]})',
      'try:',
      '    urllib.request.build_opener(urllib.request.ProxyHandler({})).open(req)',
      'except urllib.error.HTTPError as e:',
      '    print(e.code, e.read().decode())',
    ].join('\n');
    const python = await new Promise<string>((resolve, reject) => {
      const child = execFile('python3', ['-c', script, `${api.url}/jobs`, api.stack.apiKey], (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout.trim())));
      child.stdin!.on('error', () => undefined); // a python3 that exits early: its exit says why
      child.stdin!.end(body);
    });
    const [status, answer] = [python.slice(0, 3), python.slice(4)];
    expect(status, python).toBe('413');
    expect(JSON.parse(answer)).toEqual({ success: false, error: { code: 'PAYLOAD_TOO_LARGE', message: 'body: request body is too large' } });
    const res = await fetch(`${api.url}/jobs`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-API-Key': api.stack.apiKey }, body });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
    // The stack serves on.
    expect((await api.request('GET', '/jobs?limit=1')).status).toBe(200);
  });

  it('checks an uploaded list as inline files are: each bad entry named files_from[i], the job failed', async () => {
    const lines = [
      JSON.stringify({ url: source.okUrl('fine.txt') }),
      JSON.stringify({ url: 'ftp://example.com/a' }),
      '{not json',
      JSON.stringify({ url: source.okUrl('b.txt'), filename: '../escape.txt' }),
      JSON.stringify({ url: source.okUrl('c.txt'), extra: 1 }),
    ];
    const created = await api.request('POST', '/jobs', { body: { files_from: await upload(lines.join('\n')) } });
    expect(created.status).toBe(201);
    const { job } = await finished(created.body.job_id);
    expect(job).toMatchObject({ status: 'failed', zip_count: 0, errors_count: 4 });
    expect(job.errors.map((e: { error: string }) => e.error)).toEqual([
      'files_from[1].url: must be an http or https URL, or s3://<bucket_name>/<key>',
      'files_from[2]: is not valid JSON',
      expect.stringMatching(/^files_from\[3\]\.filename: /),
      'files_from[4].extra: unknown field',
    ]);
    // A JSON array works as well as NDJSON.
    const array = await api.request('POST', '/jobs', { body: { files_from: await upload(JSON.stringify([{ url: source.okUrl('x.txt') }])) } });
    expect((await finished(array.body.job_id)).job).toMatchObject({ status: 'completed', file_count: 1, files: [{ entry_name: 'x.txt' }] });
  });

  it("refuses files_from naming another tenant's upload, no upload, or together with files", async () => {
    await seedApiKey(process.env.TABLE_NAME!, 'other-tenant-key', 'other-tenant');
    const theirs = await upload(JSON.stringify({ url: source.okUrl('theirs.txt') }), 'other-tenant-key');
    for (const body of [
      { files_from: theirs },
      { files_from: '6f1c0c2e-1111-4a4a-8b8b-000000000001' },
      { files_from: 'not-an-id' },
      { files_from: theirs, files: [{ url: source.okUrl('a.txt') }] },
    ]) {
      const res = await api.request('POST', '/jobs', { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.details[0].path, JSON.stringify(body)).toMatch(/^files(_from)?$/);
    }
    // Its own tenant can use it.
    const own = await api.request('POST', '/jobs', { body: { files_from: theirs }, key: 'other-tenant-key' });
    expect(own.status).toBe(201);
  });

  it('refuses a cursor it did not issue for this listing, naming cursor', async () => {
    const created = await api.request('POST', '/jobs', { body: { urls: [`${source.url}/missing/a`, `${source.url}/missing/b`], fail_on_url_error: false } });
    const { job } = await finished(created.body.job_id);
    const first = await api.request('GET', `/jobs/${job.id}/errors?limit=1`);
    expect(first.body).toMatchObject({ errors: [{ url: `${source.url}/missing/a`, error: 'HTTP 404' }], meta: { total: 2, has_more: true } });
    const cursor = first.body.meta.next_cursor as string;
    const second = await api.request('GET', `/jobs/${job.id}/errors?limit=1&cursor=${encodeURIComponent(cursor)}`);
    expect(second.body).toMatchObject({ errors: [{ url: `${source.url}/missing/b` }], meta: { has_more: false, next_cursor: null } });
    for (const [path, bad] of [
      [`/jobs/${job.id}/files`, cursor], // another listing's cursor
      [`/jobs/${job.id}/errors`, `${cursor.slice(0, -2)}AA`],
      [`/jobs/${job.id}/errors`, 'nonsense'],
    ] as const) {
      const res = await api.request('GET', `${path}?cursor=${encodeURIComponent(bad)}`);
      expect(res.status, path).toBe(400);
      expect(res.body.error.details).toEqual([{ path: 'cursor', message: expect.any(String) }]);
    }
    expect((await api.request('GET', `/jobs/${job.id}/errors?limit=0`)).body.error.details).toEqual([{ path: 'limit', message: expect.any(String) }]);
  });
});
