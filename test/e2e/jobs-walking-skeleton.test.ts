import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkWithPython, checkWithUnzip, readZipWithYauzl } from '../support/zip-readers';
import { useLocalApi } from './support/use-local-api';
import { SourceServer } from './support/source-server';

const sources = new SourceServer();
const api = useLocalApi(sources);
const scratch = mkdtempSync(join(tmpdir(), 'zipjobs-zips-'));

describe('a job of three URLs, end to end', () => {
  it('builds a ZIP that independent readers accept, with the right names and bytes', async () => {
    const report = Buffer.from('quarterly numbers\n'.repeat(2000));
    const photo = randomBytes(300_000);
    const notes = Buffer.from('notes ✓ 日本語\n');
    const files = [
      { url: sources.set('/files/report.txt', { body: report, contentType: 'text/plain' }), filename: 'docs/Report 2026.txt' },
      { url: sources.set('/download?id=7', { body: photo, contentType: 'image/jpeg', disposition: `attachment; filename*=UTF-8''caf%C3%A9.jpg` }) },
      { url: sources.set('/files/n%C3%B8tes.md', { body: notes }) },
    ];

    const created = await api.request('POST', '/jobs', { body: { files, zip_filename: 'my-archive' } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ success: true, job_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });

    const job = await api.waitForJob(created.body.job_id);
    // The job comes wrapped, as Eazip's clients read it (`response.job.status`).
    expect((await api.request('GET', `/jobs/${created.body.job_id}`)).body).toEqual({ success: true, job });
    expect(job).toMatchObject({
      id: created.body.job_id,
      status: 'completed',
      url_count: 3,
      file_count: 3,
      zip_count: 1,
      multi_zip: false,
      zip_filename: 'my-archive.zip',
      errors: [],
      files: [
        { url: files[0]!.url, filename: 'docs/Report 2026.txt' },
        { url: files[1]!.url, filename: null },
        { url: files[2]!.url, filename: null },
      ],
    });
    expect(job.zips).toHaveLength(1);
    expect(job.zips[0]).toMatchObject({ sequence: 1, status: 'completed', filename: 'my-archive.zip', file_count: 3 });
    expect(job.zip_size).toBe(job.zips[0].size);
    expect(job.download_url).toBe(job.zips[0].download_url);
    expect(job.progress).toEqual({ files_done: 3, files_total: 3, bytes_done: report.length + photo.length + notes.length });

    const { file, bytes } = await api.download(job.download_url);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toContain('my-archive.zip');
    expect(bytes.length).toBe(job.zip_size);

    const entries = await readZipWithYauzl(bytes);
    expect(entries.map((e) => e.name)).toEqual(['docs/Report 2026.txt', 'café.jpg', 'nøtes.md']);
    expect(entries[0]!.data.equals(report)).toBe(true);
    expect(entries[1]!.data.equals(photo)).toBe(true);
    expect(entries[2]!.data.equals(notes)).toBe(true);

    const path = join(scratch, 'my-archive.zip');
    writeFileSync(path, bytes);
    await checkWithUnzip(path);
    const listed = await checkWithPython(path);
    expect(listed.map((e) => e.name)).toEqual(['docs/Report 2026.txt', 'café.jpg', 'nøtes.md']);
  });

  it('accepts the key as a Bearer token and the legacy urls[] form', async () => {
    const url = sources.set('/legacy.txt', { body: Buffer.from('legacy') });
    const created = await api.request('POST', '/jobs', {
      body: { urls: [url] },
      key: null,
      headers: { Authorization: `Bearer ${api.stack.apiKey}` },
    });
    expect(created.status).toBe(201);
    const job = await api.waitForJob(created.body.job_id);
    expect(job.status).toBe('completed');
    expect(job.zip_filename).toBe(`archive-${created.body.job_id}.zip`);
    const { bytes } = await api.download(job.download_url);
    expect((await readZipWithYauzl(bytes)).map((e) => [e.name, e.data.toString()])).toEqual([['legacy.txt', 'legacy']]);
  });
});

describe('URL errors', () => {
  it('skips a failing URL and reports it when fail_on_url_error is false', async () => {
    const good = sources.set('/ok.txt', { body: Buffer.from('fine') });
    const missing = `${sources.url}/missing.txt`;
    const created = await api.request('POST', '/jobs', { body: { urls: [good, missing], fail_on_url_error: false } });
    const job = await api.waitForJob(created.body.job_id);
    expect(job.status).toBe('completed');
    expect(job.file_count).toBe(1);
    expect(job.errors).toEqual([{ url: missing, error: 'HTTP 404' }]);
    expect(job.zips[0].errors).toEqual([{ url: missing, error: 'HTTP 404' }]);
    const { bytes } = await api.download(job.download_url);
    expect((await readZipWithYauzl(bytes)).map((e) => e.name)).toEqual(['ok.txt']);
  });

  it('fails the job by default when a URL cannot be fetched', async () => {
    const good = sources.set('/ok2.txt', { body: Buffer.from('fine') });
    const broken = sources.set('/broken', { body: Buffer.alloc(0), status: 500 });
    const created = await api.request('POST', '/jobs', { body: { urls: [good, broken] } });
    const job = await api.waitForJob(created.body.job_id, ['completed', 'failed'], 120_000);
    expect(job.status).toBe('failed');
    expect(job.download_url).toBeNull();
    expect(job.zips[0]).toMatchObject({ status: 'failed', download_url: null });
    expect(job.errors).toEqual([{ url: broken, error: 'HTTP 500' }]);
  });
});

describe('bad input never gets a 500', () => {
  const url = 'https://example.com/a.txt';
  const cases: [string, unknown, string][] = [
    ['no files', {}, 'files'],
    ['files and urls', { files: [{ url }], urls: [url] }, 'files'],
    ['empty files', { files: [] }, 'files'],
    ['a non-http URL', { files: [{ url }, { url: 'ftp://example.com/x' }] }, 'files[1].url'],
    ['a relative URL', { urls: ['/etc/passwd'] }, 'urls[0]'],
    ['an unknown field', { urls: [url], colour: 'blue' }, 'colour'],
    ['an unknown file field', { files: [{ url, name: 'x' }] }, 'files[0].name'],
    ['expires_in too small', { urls: [url], expires_in: 10 }, 'expires_in'],
    ['expires_in not an integer', { urls: [url], expires_in: 300.5 }, 'expires_in'],
    ['fail_on_url_error not a boolean', { urls: [url], fail_on_url_error: 'yes' }, 'fail_on_url_error'],
    ['too many metadata keys', { urls: [url], metadata: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v'])) }, 'metadata'],
    ['a metadata value not a string', { urls: [url], metadata: { a: 1 } }, 'metadata.a'],
    ['a zip_filename with a slash', { urls: [url], zip_filename: 'a/b.zip' }, 'zip_filename'],
    ['an absolute entry filename', { files: [{ url, filename: '/etc/passwd' }] }, 'files[0].filename'],
    ['an escaping entry filename', { files: [{ url, filename: 'a/../../b' }] }, 'files[0].filename'],
    ['a body that is not an object', [1, 2], ''],
  ];

  it.each(cases)('%s → 400 naming %s', async (_label, body, field) => {
    const res = await api.request('POST', '/jobs', { body });
    expect(res.status).toBe(400);
    expect(res.body.success).toBe(false);
    expect(res.body.error.code).toBe('INVALID_REQUEST');
    expect(res.body.error.message).toContain(field);
  });

  it('malformed JSON → 400', async () => {
    const res = await api.request('POST', '/jobs', { rawBody: '{"files": [', headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'INVALID_REQUEST', message: 'body: must be valid JSON' });
  });
});

describe('keys, tenants and tokens', () => {
  it('refuses a missing or unknown key with 401', async () => {
    for (const key of [null, 'not-a-key']) {
      const res = await api.request('POST', '/jobs', { body: { urls: ['https://example.com/a'] }, key });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHORIZED');
    }
  });

  it("answers another tenant's job, an unknown job and an unknown route with 404", async () => {
    const { seedApiKey } = await import('../../lib/local/seed');
    await seedApiKey(process.env.TABLE_NAME!, 'other-tenant-key', 'other');
    const url = sources.set('/mine.txt', { body: Buffer.from('mine') });
    const created = await api.request('POST', '/jobs', { body: { urls: [url] } });
    const theirs = await api.request('GET', `/jobs/${created.body.job_id}`, { key: 'other-tenant-key' });
    expect(theirs.status).toBe(404);
    expect(theirs.body.error.code).toBe('NOT_FOUND');
    expect((await api.request('GET', '/jobs/00000000-0000-0000-0000-000000000000')).status).toBe(404);
    expect((await api.request('GET', '/nowhere')).status).toBe(404);
    await api.waitForJob(created.body.job_id);
  });

  it('refuses a tampered download token with 403 INVALID_TOKEN', async () => {
    const url = sources.set('/token.txt', { body: Buffer.from('token') });
    const created = await api.request('POST', '/jobs', { body: { urls: [url] } });
    const job = await api.waitForJob(created.body.job_id);
    const token: string = job.download_url.split('/download/')[1];
    const [kid, payload, sig] = token.split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), e: 4102444800 })).toString('base64url');
    for (const bad of [`${kid}.${forged}.${sig}`, token.slice(0, -2), 'garbage']) {
      const res = await fetch(`${api.url}/download/${bad}`, { redirect: 'manual' });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('INVALID_TOKEN');
    }
  });

  it('answers /health without a key', async () => {
    const res = await api.request('GET', '/health', { key: null });
    expect(res).toMatchObject({ status: 200, body: { success: true, status: 'ok' } });
  });
});
