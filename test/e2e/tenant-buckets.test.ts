/**
 * ZIPs written to a tenant's own bucket on a foreign S3-compatible endpoint
 * (a second s3rver standing in for R2, with R2's multipart rules held by its
 * proxy): templated keys, split jobs, ZIPs read back from that endpoint and
 * checked by independent readers, a checkpointed build byte-identical to a
 * one-shot one, a bucket that starts refusing writes mid-job, expiry that
 * leaves the tenant's objects alone, and buckets no other tenant can name.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { seedApiKey } from '../../lib/local/seed';
import { checkWith7z, checkWithPython, checkWithUnzip, readZipWithYauzl } from '../support/zip-readers';
import { backdate } from './support/expiry';
import { FaultServer } from './support/fault-server';
import { ForeignS3 } from './support/foreign-s3';
import { SyntheticSources } from './support/synthetic-sources';
import { useLocalApi } from './support/use-local-api';

const MiB = 1024 * 1024;
const r2 = new ForeignS3(['zips', 'flaky']);
const sources = new FaultServer();
const synthetic = new SyntheticSources();
const timeouts: { BuildZip?: number } = {};
const api = useLocalApi([sources, synthetic, r2], { lambdaTimeoutsMs: timeouts });
const OTHER_KEY = 'tenant-buckets-other-tenant';
const lastModified = 'Wed, 21 Oct 2026 07:28:00 GMT';

const configure = async (name: string, bucket: string) => {
  const res = await api.request('PUT', `/settings/buckets/${name}`, {
    body: { service: 'r2', bucket, endpoint: r2.endpoint, access_key_id: r2.accessKeyId, secret_access_key: r2.secretAccessKey },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
};

beforeAll(async () => {
  await configure('archive', 'zips');
  await configure('flaky', 'flaky');
  await seedApiKey(process.env.TABLE_NAME!, OTHER_KEY, 'tenant-buckets-other');
});

async function checkWithReaders(bytes: Buffer, names: string[]): Promise<void> {
  const path = join(mkdtempSync(join(tmpdir(), 'zipjobs-tenant-')), 'a.zip');
  writeFileSync(path, bytes);
  await checkWithUnzip(path);
  await checkWith7z(path);
  expect((await checkWithPython(path)).map((e) => e.name)).toEqual(names);
}

describe("ZIPs in a tenant's bucket", () => {
  it('writes a 3-ZIP split job at a templated key, readable from the endpoint and by every reader', async () => {
    // Sizes unknown to the probe: each file gets a ZIP of its own.
    const urls = ['a', 'b', 'c'].map((n, i) => synthetic.set(`/split/${n}.bin`, { size: 300_000 + i * 1000, head: 'refused', ranges: false, chunked: true }));
    const created = await api.request('POST', '/jobs', {
      body: { urls, bucket_name: 'archive', service: 'r2', key: 'reports/{date}/daily.zip', max_zip_size_bytes: 104_857_600, compression: 'store' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const job = await api.waitForJob(created.body.job_id);
    expect(job.status, JSON.stringify(job.errors)).toBe('completed');
    const date = String(job.created_at).slice(0, 10);
    const keys = [1, 2, 3].map((n) => `reports/${date}/daily_${n}.zip`);
    expect(job.zips.map((z: { location: unknown }) => z.location)).toEqual(keys.map((key) => ({ service: 'r2', bucket: 'zips', key })));
    expect(job.zips.map((z: { filename: string }) => z.filename)).toEqual(['daily_1.zip', 'daily_2.zip', 'daily_3.zip']);
    expect(await r2.listKeys('zips')).toEqual(expect.arrayContaining(keys));

    for (const [i, key] of keys.entries()) {
      const bytes = await r2.getObject('zips', key);
      const name = `${['a', 'b', 'c'][i]}.bin`;
      await checkWithReaders(bytes, [name]);
      const [entry] = await readZipWithYauzl(bytes);
      expect(entry!.data.equals(synthetic.bytes(`/split/${name}`))).toBe(true);
    }

    // The download link presigns a short-lived GET on the tenant's endpoint.
    const { redirect, bytes } = await api.download(job.zips[1].download_url);
    expect(redirect.headers.get('location')!.startsWith(`${r2.endpoint}/zips/reports/${date}/daily_2.zip?`)).toBe(true);
    expect(bytes.equals(await r2.getObject('zips', keys[1]!))).toBe(true);

    // Status events carry where the ZIPs went.
    const completed = api.stack.events.find((e) => (e.detail as { job_id?: string; status?: string }).job_id === job.id && (e.detail as { status?: string }).status === 'completed');
    expect((completed!.detail as { locations: unknown }).locations).toEqual(keys.map((key) => ({ service: 'r2', bucket: 'zips', key })));
    expect(r2.openUploads('zips')).toEqual([]);
  }, 120_000);

  it('builds the same bytes in one run and across checkpointed runs, in parts of one size', async () => {
    const big = randomBytes(21 * MiB + 4321);
    const files = (tag: string, slow: boolean) => [
      { url: sources.set(`/${tag}/big.bin`, { body: big, lastModified, etag: '"big"', chunkSize: 256 * 1024, ...(slow && { delayMs: 25 }) }), filename: 'big.bin' },
      { url: sources.set(`/${tag}/small.txt`, { body: Buffer.from('small\n'.repeat(5000)), lastModified }), filename: 'small.txt' },
    ];
    const build = async (tag: string, slow: boolean) => {
      const created = await api.request('POST', '/jobs', {
        body: { files: files(tag, slow), bucket_name: 'archive', service: 'r2', key: `resume/${tag}.zip`, compression: 'store', max_zip_size_bytes: 104_857_600 },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const job = await api.waitForJob(created.body.job_id, ['completed', 'failed'], 120_000);
      expect(job.status, JSON.stringify(job.errors)).toBe('completed');
      return r2.getObject('zips', `resume/${tag}.zip`);
    };
    const once = await build('once', false);
    timeouts.BuildZip = 1500;
    const resumed = await build('resumed', true);
    delete timeouts.BuildZip;

    expect(resumed.equals(once)).toBe(true);
    await checkWithReaders(resumed, ['big.bin', 'small.txt']);
    // Multipart uploads of parts of one size (the stand-in refuses anything else, as R2 does).
    const uploads = [...r2.uploads.values()].filter((u) => u.key.startsWith('resume/'));
    expect(uploads.map((u) => u.state)).toEqual(['completed', 'completed']);
    for (const u of uploads) expect([...u.parts.values()].sort((a, b) => b - a)).toEqual([10 * MiB, 10 * MiB, resumed.length - 20 * MiB]);
  }, 240_000);

  it('fails the ZIP naming the cause when the bucket starts refusing writes mid-job, and leaves no upload behind', async () => {
    const url = sources.set('/flaky/big.bin', { body: randomBytes(25 * MiB), lastModified });
    r2.refuseWrites('flaky', 2); // CreateMultipartUpload and one part, then AccessDenied
    try {
      const created = await api.request('POST', '/jobs', {
        body: { urls: [url], bucket_name: 'flaky', service: 'r2', key: 'out/broken.zip', compression: 'store', max_zip_size_bytes: 104_857_600 },
      });
      expect(created.status).toBe(201);
      const job = await api.waitForJob(created.body.job_id, ['completed', 'failed'], 120_000);
      expect(job.status).toBe('failed');
      expect(job.zips[0].errors).toEqual([{ error: 'bucket permissions: AccessDenied (s3://flaky/out/broken.zip)' }]);
      expect(job.errors).toContainEqual({ error: 'bucket permissions: AccessDenied (s3://flaky/out/broken.zip)' });
      expect([...r2.uploads.values()].filter((u) => u.bucket === 'flaky').map((u) => u.state)).toEqual(['aborted']);
      expect(r2.openUploads('flaky')).toEqual([]);
      expect(await r2.listKeys('flaky')).toEqual([]);
    } finally {
      r2.allowWrites('flaky');
    }
  }, 120_000);

  it('builds the ZIP again from its upload when a write keeps failing past the SDK\'s own retries', async () => {
    const body = randomBytes(25 * MiB);
    const url = sources.set('/retried/big.bin', { body, lastModified });
    // Part 2's first three uploads answer 500: all the attempts of one BuildZip run (the tenant client's
    // maxAttempts, lambdas/adapters/tenant-s3.ts); the next run's go through.
    r2.failPart('flaky', 2, 3);
    let job;
    try {
      const created = await api.request('POST', '/jobs', {
        body: { files: [{ url, filename: 'big.bin' }], bucket_name: 'flaky', service: 'r2', key: 'out/retried.zip', compression: 'store', max_zip_size_bytes: 104_857_600 },
      });
      expect(created.status).toBe(201);
      job = await api.waitForJob(created.body.job_id, ['completed', 'failed'], 100_000);
    } finally {
      r2.failPart('flaky', 2, 0);
    }
    expect(job.status, JSON.stringify(job.errors)).toBe('completed');
    expect(r2.partFaults.get('flaky#2')).toBe(3);
    // One upload, resumed by the second run and completed.
    expect([...r2.uploads.values()].filter((u) => u.key === 'out/retried.zip').map((u) => u.state)).toEqual(['completed']);
    const bytes = await r2.getObject('flaky', 'out/retried.zip');
    const [entry] = await readZipWithYauzl(bytes);
    expect(entry!.data.equals(body)).toBe(true);
    await checkWithReaders(bytes, ['big.bin']);
  }, 120_000);

  it("expires the link, never the tenant's object", async () => {
    const url = sources.set('/keep/file.txt', { body: Buffer.from('kept\n'), lastModified });
    // ZipKit's body as its docs show it: urls of {url, filename}, bucket_name, key, service.
    const created = await api.request('POST', '/jobs', { body: { urls: [{ url, filename: 'kept.txt' }], bucket_name: 'archive', service: 'r2', key: 'kept/{date}.zip' } });
    const job = await api.waitForJob(created.body.job_id);
    expect(job.status).toBe('completed');
    const key = job.zips[0].location.key as string;
    await backdate(job.id, new Date(Date.now() - 1000));
    await api.stack.ttl.sweep(Date.now());
    const after = await api.waitForJob(job.id);
    expect(after.zips[0].download_url).toBeNull();
    expect(after.zips[0].location).toEqual({ service: 'r2', bucket: 'zips', key });
    const kept = await r2.getObject('zips', key);
    expect(kept.length).toBe(job.zip_size);
    expect((await readZipWithYauzl(kept)).map((e) => e.name)).toEqual(['kept.txt']);
  }, 60_000);

  it('runs a schedule whose job writes a dated archive into the bucket', async () => {
    const url = sources.set('/nightly/report.csv', { body: Buffer.from('day,total\n1,2\n'), lastModified });
    // The file's first schedule request loads the handler: that first, then a time far enough ahead that the
    // trigger exists before it (at() has whole seconds, so 5 s ahead is 4 to 5 s).
    expect((await api.request('GET', '/schedules')).status).toBe(200);
    const at = new Date(Date.now() + 5000).toISOString().slice(0, 19);
    const created = await api.request('POST', '/schedules', {
      body: { name: 'nightly', schedule_expression: `at(${at})`, job: { urls: [url], bucket_name: 'archive', service: 'r2', key: 'reports/{date}/daily.zip' } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    let run: { job_id?: string } | undefined;
    for (const deadline = Date.now() + 20_000; !run?.job_id && Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
      run = (await api.request('GET', `/schedules/${created.body.schedule_id}`)).body.recent_jobs?.[0];
    }
    const job = await api.waitForJob(run!.job_id!);
    expect(job.status).toBe('completed');
    const key = `reports/${String(job.created_at).slice(0, 10)}/daily.zip`;
    expect(job.zips[0].location).toEqual({ service: 'r2', bucket: 'zips', key });
    const [entry] = await readZipWithYauzl(await r2.getObject('zips', key));
    expect(entry!.data.toString()).toBe('day,total\n1,2\n');
  }, 60_000);

  it('answers 400 for a bucket the tenant has not configured, the wrong service or a bad key', async () => {
    const url = sources.set('/refused/file.txt', { body: Buffer.from('x') });
    const cases: [Record<string, unknown>, string, string | RegExp][] = [
      [{ bucket_name: 'nope', key: 'a.zip', service: 'r2' }, 'bucket_name', /no bucket named "nope" is configured/],
      [{ bucket_name: 'archive', key: 'a.zip' }, 'service', 'the bucket "archive" is an r2 bucket: send "service": "r2" (the default is "s3")'],
      [{ bucket_name: 'archive', key: '/a.zip', service: 'r2' }, 'key', 'must not start with "/"'],
      [{ bucket_name: 'archive', key: 'a/../b.zip', service: 'r2' }, 'key', 'must not contain a ".." segment'],
      [{ bucket_name: 'archive', service: 'r2' }, 'key', 'is required with bucket_name'],
      [{ key: 'a.zip' }, 'bucket_name', 'is required with key'],
    ];
    for (const [extra, field, message] of cases) {
      const res = await api.request('POST', '/jobs', { body: { urls: [url], ...extra } });
      expect(res.status, JSON.stringify(extra)).toBe(400);
      const detail = res.body.error.details.find((d: { path: string }) => d.path === field);
      expect(detail?.message, JSON.stringify(res.body)).toMatch(message);
    }
    // Another tenant cannot name this tenant's bucket.
    const other = await api.request('POST', '/jobs', { key: OTHER_KEY, body: { urls: [url], bucket_name: 'archive', service: 'r2', key: 'stolen.zip' } });
    expect(other.status).toBe(400);
    expect(other.body.error.details[0].path).toBe('bucket_name');
  });
});
