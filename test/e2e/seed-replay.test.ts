/**
 * A client written only from the hosted services' documentation: every
 * example request is sent exactly as written (sources pointed at a local
 * server), with both ways of sending the key, and every key of the
 * documented responses must be in ours with a compatible type.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PLAN } from '../../lambdas/core/plans';
import { seedApiKey } from '../../lib/local/seed';
import { EAZIP_FILES, EAZIP_URLS, EXAMPLE_HOST, ZIPKIT_URL_OBJECTS, type EazipDocument, type ExampleRequest } from './support/seed-examples';
import { expectCompatible } from './support/shape';
import { SyntheticSources, expectZipEntries } from './support/synthetic-sources';
import { useLocalApi } from './support/use-local-api';

const sources = new SyntheticSources();
// Polling many jobs at once must not meet the per-tenant rate limit.
const api = useLocalApi(sources, { plans: [{ ...DEFAULT_PLAN, requests_per_minute: 100_000 }] });

type Auth = 'X-API-Key' | 'Bearer';
const AUTHS: Auth[] = ['X-API-Key', 'Bearer'];
// One tenant per document, so its listing holds only its own jobs.
const KEYS = new Map<string, string>([
  [EAZIP_FILES.name, 'seed-files-key'],
  [EAZIP_URLS.name, 'seed-urls-key'],
  ['ZipKit', 'seed-zipkit-key'],
]);

beforeAll(async () => {
  for (const key of KEYS.values()) await seedApiKey(process.env.TABLE_NAME!, key, key.replace(/-key$/, ''));
});

const SOURCE_FILES = ['file1.pdf', 'file2.pdf', 'image.png', 'photo-001.jpg', 'photo-002.jpg', 'reports/q1.pdf', 'reports/q2.pdf'];

/** Serves the documents' source files under `/<scenario>/`; a file left out answers 404. */
function serve(scenario: string, except: string[] = [], file: Parameters<SyntheticSources['set']>[1] = { size: 3000 }): void {
  SOURCE_FILES.filter((f) => !except.includes(f)).forEach((f) => sources.set(`/${scenario}/${f}`, file));
}

/** Sends an example as written: its path, its body verbatim with the source host pointed at `/<scenario>`. */
function send(doc: string, auth: Auth, req: ExampleRequest, scenario: string, jobId = '') {
  const key = KEYS.get(doc)!;
  const headers: Record<string, string> = auth === 'Bearer' ? { Authorization: `Bearer ${key}` } : { 'X-API-Key': key };
  if (req.body !== undefined) headers['Content-Type'] = 'application/json';
  const rawBody = req.body?.replaceAll(EXAMPLE_HOST, `${sources.url}/${scenario}`);
  return api.request(req.method, req.path.replace(':id', jobId), { key: null, headers, rawBody });
}

/** Polls the documented `GET /jobs/:id` until the job has ended. */
async function ended(doc: EazipDocument, auth: Auth, jobId: string): Promise<Record<string, any>> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await send(doc.name, auth, doc.get, '', jobId);
    expect(res.status).toBe(200);
    if (['completed', 'failed'].includes(res.body.job.status)) return res.body;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${res.body.job.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The documented value with its source host pointed at `/<scenario>`. */
const pointed = <T>(value: T, scenario: string): T => JSON.parse(JSON.stringify(value).replaceAll(EXAMPLE_HOST, `${sources.url}/${scenario}`));

describe.each([EAZIP_FILES, EAZIP_URLS])('$name, as documented', (doc) => {
  const slug = doc === EAZIP_FILES ? 'files' : 'urls';
  const entryNames = doc === EAZIP_FILES ? ['invoice-001.pdf', 'file2.pdf', 'preview.png'] : ['file1.pdf', 'file2.pdf', 'image.png'];

  it.each(AUTHS)('creates, gets and downloads the example job (key sent as %s)', async (auth) => {
    const scenario = `${slug}-${auth}`;
    serve(scenario);
    const created = await send(doc.name, auth, doc.create, scenario);
    expect(created.status).toBe(201);
    expectCompatible(doc.createResponse, created.body);

    const answer = await ended(doc, auth, created.body.job_id);
    expectCompatible(doc.getResponse, answer);
    const { job } = answer;
    // What the request decided is as documented; what the run decided (ids, times, sizes, links) is ours.
    const documented = pointed(doc.getResponse.job, scenario);
    for (const field of ['status', 'files', 'urls', 'url_count', 'file_count', 'zip_filename', 'metadata', 'multi_zip', 'zip_count', 'max_zip_size_bytes', 'split_strategy', 'fail_on_zip_error']) {
      // files[] carries entry_name (an extension) beside the documented keys.
      if (field in documented) expect(job[field], field).toMatchObject(documented[field] as object);
    }
    // Created with fail_on_url_error: false, which the document's response does not echo.
    expect(job.fail_on_url_error).toBe(false);
    expect(job.zips[0]).toMatchObject({ sequence: 1, status: 'completed', filename: 'my-archive.zip', file_count: 3 });
    expect(job.download_url).toBe(job.zips[0].download_url);
    expect(job.download_url.startsWith(`${api.url}/download/`)).toBe(true);
    const { file, bytes } = await api.download(job.download_url);
    expect(file.status).toBe(200);
    await expectZipEntries(bytes, entryNames.map((name, i) => ({ name, bytes: sources.bytes(`/${scenario}/${['file1.pdf', 'file2.pdf', 'image.png'][i]}`) })));
    // The download supports ranges, as documented.
    const redirect = await fetch(job.download_url, { redirect: 'manual' });
    const part = await fetch(redirect.headers.get('location')!, { headers: { Range: 'bytes=0-99' } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(0, 100))).toBe(true);
  });

  it.each(AUTHS)('reports a URL that failed in errors, as the errors example shows (key sent as %s)', async (auth) => {
    const scenario = `${slug}-missing-${auth}`;
    serve(scenario, ['file2.pdf']);
    const created = await send(doc.name, auth, doc.create, scenario);
    const answer = await ended(doc, auth, created.body.job_id);
    expectCompatible(doc.errorsResponse, answer);
    expect(answer.job.status).toBe('completed');
    expect(answer.job.errors).toEqual([{ url: `${sources.url}/${scenario}/file2.pdf`, error: 'HTTP 404' }]);
  });

  it.each(AUTHS)('retries a failed job with the example body (key sent as %s)', async (auth) => {
    const scenario = `${slug}-retry-${auth}`;
    // Every file missing: the ZIP has nothing in it, so the job fails even with fail_on_url_error: false.
    const created = await send(doc.name, auth, doc.create, scenario);
    expect((await ended(doc, auth, created.body.job_id)).job.status).toBe('failed');
    serve(scenario);
    const retried = await send(doc.name, auth, doc.retry, scenario, created.body.job_id);
    expect(retried.status).toBe(200);
    expectCompatible(doc.retryResponse, retried.body);
    expect(retried.body.job_id).toBe(created.body.job_id);
    const answer = await ended(doc, auth, created.body.job_id);
    expect(answer.job).toMatchObject({ status: 'completed', file_count: 3, errors: [] });
  });

  it.each(AUTHS)('lists with the example query, a page with more to come (key sent as %s)', async (auth) => {
    const scenario = `${slug}-list-${auth}`;
    serve(scenario);
    const ids = await Promise.all(Array.from({ length: 11 }, async () => (await send(doc.name, auth, doc.create, scenario)).body.job_id as string));
    for (const id of ids) await ended(doc, auth, id);
    const res = await send(doc.name, auth, doc.list, scenario);
    expect(res.status).toBe(200);
    expectCompatible(doc.listResponse, res.body);
    expect(res.body.jobs).toHaveLength(10);
    expect(res.body.meta).toMatchObject({ limit: 10, has_more: true });
  });

  it.each(AUTHS)('answers the documented error codes (key sent as %s)', async (auth) => {
    // The examples' own job id is not one of ours.
    const missing = await send(doc.name, auth, doc.get, '', '550e8400-e29b-41d4-a716-446655440000');
    expect([missing.status, missing.body.success, missing.body.error.code]).toEqual([404, false, 'NOT_FOUND']);
    const done = await send(doc.name, auth, doc.list, '');
    const notFailed = await send(doc.name, auth, doc.retry, '', done.body.jobs[0].id);
    expect([notFailed.status, notFailed.body.error.code]).toEqual([400, 'INVALID_REQUEST']);
    expect(notFailed.body.error.message).toMatch(/only failed jobs can be retried/);
    const overRetention = { ...doc.create, body: doc.create.body!.replace('172800', String(DEFAULT_PLAN.max_retention_seconds + 1)) };
    const refused = await send(doc.name, auth, overRetention, 'none');
    expect([refused.status, refused.body.error.code]).toEqual([403, 'PLAN_LIMIT_EXCEEDED']);
    const token = await fetch(`${api.url}/download/eyJ...`, { redirect: 'manual' });
    expect([token.status, ((await token.json()) as { error: { code: string } }).error.code]).toEqual([403, 'INVALID_TOKEN']);
  });
});

describe('Eazip auto-split example, as documented', () => {
  it.each(AUTHS)('splits into ZIPs, each with its own link; the top-level size and link are null (key sent as %s)', async (auth) => {
    const scenario = `split-${auth}`;
    // Sizes the service cannot learn: each file gets a ZIP of its own, so two small files make two ZIPs.
    serve(scenario, [], { size: 4000, head: 'no-length', ranges: false, chunked: true });
    const created = await send(EAZIP_FILES.name, auth, EAZIP_FILES.split, scenario);
    expect(created.status).toBe(201);
    const answer = await ended(EAZIP_FILES, auth, created.body.job_id);
    expectCompatible(EAZIP_FILES.splitGetResponse, answer);
    expect(answer.job).toMatchObject({ status: 'completed', multi_zip: true, zip_count: 2, max_zip_size_bytes: 2147483648, url_count: 2, file_count: 2 });
    expect(answer.job.zips.map((z: { filename: string }) => z.filename)).toEqual(['photos_1.zip', 'photos_2.zip']);
    for (const [i, zip] of answer.job.zips.entries()) {
      const name = `photo-00${i + 1}.jpg`;
      await expectZipEntries((await api.download(zip.download_url)).bytes, [{ name, bytes: sources.bytes(`/${scenario}/${name}`) }]);
    }
  });
});

describe("ZipKit's body shape: urls as {url, filename} objects", () => {
  const zipkit = { ...EAZIP_FILES, name: 'ZipKit' };
  const create: ExampleRequest = { method: 'POST', path: '/jobs', body: ZIPKIT_URL_OBJECTS };

  it.each(AUTHS)('is accepted as files, the filenames naming the entries (key sent as %s)', async (auth) => {
    const scenario = `zipkit-${auth}`;
    serve(scenario);
    const created = await send('ZipKit', auth, create, scenario);
    expect(created.status).toBe(201);
    const { job } = await ended(zipkit, auth, created.body.job_id);
    expect(job.status).toBe('completed');
    const base = `${sources.url}/${scenario}/reports`;
    expect(job.files).toMatchObject([
      { url: `${base}/q1.pdf`, filename: 'Q1 Report.pdf' },
      { url: `${base}/q2.pdf`, filename: 'reports/Q2 Report.pdf' },
    ]);
    expect(job).not.toHaveProperty('urls'); // only the older string form is echoed as urls
    await expectZipEntries((await api.download(job.download_url)).bytes, [
      { name: 'Q1 Report.pdf', bytes: sources.bytes(`/${scenario}/reports/q1.pdf`) },
      { name: 'reports/Q2 Report.pdf', bytes: sources.bytes(`/${scenario}/reports/q2.pdf`) },
    ]);
  });

  it('refuses an array mixing URL strings and objects, naming the element', async () => {
    const mixed = { ...create, body: JSON.stringify({ urls: ['https://example.com/a.pdf', { url: 'https://example.com/b.pdf', filename: 'b.pdf' }] }) };
    const res = await send('ZipKit', 'X-API-Key', mixed, 'none');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('urls[1]: must be a URL string, as urls[0] is (one array holds one kind)');
    const bad = { ...create, body: JSON.stringify({ urls: [{ url: 'https://example.com/a.pdf', filename: 'a/../b.pdf' }] }) };
    expect((await send('ZipKit', 'Bearer', bad, 'none')).body.error.message).toBe('urls[0].filename: must not contain ".." segments');
  });
});
