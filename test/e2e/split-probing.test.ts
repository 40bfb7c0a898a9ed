/** Split jobs against sources that make probing hard: refused HEAD, no length, no ranges, liars. */
import { describe, expect, it, vi } from 'vitest';
import { useLocalApi } from './support/use-local-api';
import { SyntheticSources, expectZipEntries } from './support/synthetic-sources';

const CAP = 104_857_600;
const sources = new SyntheticSources();
// Read by the local stack at every invocation: one test shortens Prepare's run.
const timeouts: { Prepare?: number } = {};
const api = useLocalApi(sources, { lambdaTimeoutsMs: timeouts });

describe('probing a split job', () => {
  it('learns sizes through a refused HEAD and a HEAD without length, and gives a file of unknown size its own ZIP', async () => {
    const files = [
      { url: sources.set('/probe/a.txt', { size: 5000, head: 'refused' }) },
      { url: sources.set('/probe/b.txt', { size: 7000, head: 'no-length' }) },
      { url: sources.set('/probe/c.bin', { size: 3000, head: 'no-length', ranges: false, chunked: true }) },
      { url: sources.set('/probe/d.txt', { size: 1000, headDelayMs: 1500 }) },
    ];
    // GetJob loaded first: its cold start must not outlast the 1.5 s that d.txt's HEAD holds Prepare.
    expect((await api.getJob('00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const created = await api.request('POST', '/jobs', { body: { files, zip_filename: 'abc.zip', max_zip_size_bytes: CAP } });
    expect(created.status).toBe(201);
    const early = await api.getJob(created.body.job_id);
    expect(early.body.status).toBe('preparing');

    const job = await api.waitForJob(created.body.job_id);
    expect(job).toMatchObject({
      status: 'completed',
      multi_zip: true,
      zip_count: 3,
      file_count: 4,
      zip_size: null,
      download_url: null,
      zip_filename: 'abc_1.zip',
      errors: [],
    });
    expect(job.zips.map((z: { filename: string; file_count: number }) => [z.filename, z.file_count])).toEqual([
      ['abc_1.zip', 2],
      ['abc_2.zip', 1],
      ['abc_3.zip', 1],
    ]);
    expect(job.total_size).toBe(job.zips.reduce((n: number, z: { size: number }) => n + z.size, 0));

    const expected = [['a.txt', 'b.txt'], ['c.bin'], ['d.txt']];
    for (const [i, zip] of job.zips.entries()) {
      const { bytes } = await api.download(zip.download_url);
      expect(bytes.length).toBe(zip.size);
      expect(bytes.length).toBeLessThanOrEqual(CAP);
      await expectZipEntries(bytes, expected[i]!.map((name) => ({ name, bytes: sources.bytes(`/probe/${name}`) })));
    }
    // HEAD first; a Range GET only where HEAD told nothing; then one GET per file to build.
    expect(sources.requests.filter((r) => r.includes('/probe/a.txt'))).toEqual(['HEAD /probe/a.txt', 'GET /probe/a.txt', 'GET /probe/a.txt']);
    expect(sources.requests.filter((r) => r.includes('/probe/d.txt'))).toEqual(['HEAD /probe/d.txt', 'GET /probe/d.txt']);
  });

  it('fails a file whose source sends more than it announced with "too large", whether or not the GET says so', async () => {
    const honest = sources.set('/liar/announced.bin', { size: 1000, extra: 500 });
    const chunked = sources.set('/liar/chunked.bin', { size: 1000, extra: 500, chunked: true });
    const ok = sources.set('/liar/ok.txt', { size: 100 });
    const created = await api.request('POST', '/jobs', {
      body: { urls: [honest, chunked, ok], max_zip_size_bytes: CAP, fail_on_url_error: false },
    });
    const job = await api.waitForJob(created.body.job_id);
    expect(job).toMatchObject({ status: 'completed', file_count: 1, zip_count: 1 });
    expect(job.errors).toEqual([
      { url: honest, error: 'too large' },
      { url: chunked, error: 'too large' },
    ]);
    const { bytes } = await api.download(job.zips[0].download_url);
    await expectZipEntries(bytes, [{ name: 'ok.txt', bytes: sources.bytes('/liar/ok.txt') }]);
  });

  it('fails the ZIP by default when a source lies', async () => {
    const liar = sources.set('/liar/strict.bin', { size: 10, extra: 1 });
    const created = await api.request('POST', '/jobs', { body: { urls: [liar], max_zip_size_bytes: CAP } });
    const job = await api.waitForJob(created.body.job_id);
    expect(job.status).toBe('failed');
    expect(job.errors).toEqual([{ url: liar, error: 'too large' }]);
  });
});

describe('probing that outlasts a Prepare run', () => {
  it('saves the outcomes, carries on in the next run, probes each URL once and packs every file', async () => {
    // 400 HEADs of 300 ms, 32 at a time: ~3.8 s of probing in runs of 4 s that stop starting probes at 3 s.
    const paths = Array.from({ length: 400 }, (_, i) => `/slow-probe/f${String(i).padStart(3, '0')}.txt`);
    const urls = paths.map((path, i) => sources.set(path, { size: 100 + i, headDelayMs: 300 }));
    const paused: Record<string, unknown>[] = [];
    process.env.ZIPJOBS_QUIET = 'false';
    const write = process.stdout.write.bind(process.stdout);
    vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
      const text = String(chunk);
      if (text.includes('"Prepare paused"')) paused.push(JSON.parse(text) as Record<string, unknown>);
      if (text.startsWith('{"level"')) return true;
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write);
    timeouts.Prepare = 4000;
    try {
      const created = await api.request('POST', '/jobs', { body: { urls, max_zip_size_bytes: CAP } });
      expect(created.status).toBe(201);
      const job = await api.waitForJob(created.body.job_id, ['completed', 'failed'], 120_000);
      expect(job).toMatchObject({ status: 'completed', zip_count: 1, file_count: 400, errors: [] });
      const mine = paused.filter((l) => l.job_id === created.body.job_id);
      expect(mine.length).toBeGreaterThanOrEqual(1);
      expect(mine.every((l) => (l.left as number) > 0 && (l.probed as number) >= 32)).toBe(true);
      for (const path of paths) expect(sources.count('HEAD', path), path).toBe(1);
      const { bytes } = await api.download(job.zips[0].download_url);
      await expectZipEntries(bytes, paths.map((path) => ({ name: path.slice(path.lastIndexOf('/') + 1), bytes: sources.bytes(path) })));
    } finally {
      delete timeouts.Prepare;
      vi.restoreAllMocks();
      process.env.ZIPJOBS_QUIET = 'true';
    }
  });
});

describe('allow_oversize_zips: false', () => {
  it('fails the job at Prepare, naming the file larger than the cap, without fetching anything', async () => {
    const small = sources.set('/strict/small.txt', { size: 10 });
    const huge = sources.set('/strict/huge.bin', { size: CAP + 1 });
    const created = await api.request('POST', '/jobs', { body: { urls: [small, huge], max_zip_size_bytes: CAP, allow_oversize_zips: false } });
    const job = await api.waitForJob(created.body.job_id);
    expect(job).toMatchObject({ status: 'failed', zip_count: 0, zips: [], download_url: null });
    expect(job.errors).toEqual([{ url: huge, error: 'larger than max_zip_size_bytes' }]);
    expect(sources.count('GET', '/strict/small.txt') + sources.count('GET', '/strict/huge.bin')).toBe(0);
  });

  it('a file just under the cap whose ZIP would not be is oversize too', async () => {
    const almost = sources.set('/strict/almost.bin', { size: CAP - 100 });
    const created = await api.request('POST', '/jobs', { body: { urls: [almost], max_zip_size_bytes: CAP, allow_oversize_zips: false } });
    const job = await api.waitForJob(created.body.job_id);
    expect(job.status).toBe('failed');
    expect(job.errors).toEqual([{ url: almost, error: 'larger than max_zip_size_bytes' }]);
  });

  it('fails the job naming a file whose size cannot be learned', async () => {
    const known = sources.set('/strict/known.txt', { size: 10 });
    const unknown = sources.set('/strict/unknown.bin', { size: 10, head: 'no-length', ranges: false, chunked: true });
    const created = await api.request('POST', '/jobs', { body: { urls: [known, unknown], max_zip_size_bytes: CAP, allow_oversize_zips: false } });
    const job = await api.waitForJob(created.body.job_id);
    expect(job).toMatchObject({ status: 'failed', zip_count: 0 });
    expect(job.errors).toEqual([{ url: unknown, error: 'size unknown, so it cannot be kept within max_zip_size_bytes' }]);
  });

  it('leaves a file whose probe failed to BuildZip: skipped and reported under fail_on_url_error false', async () => {
    const ok = sources.set('/strict/fine.txt', { size: 10 });
    const missing = `${sources.url}/strict/missing.txt`;
    const created = await api.request('POST', '/jobs', {
      body: { urls: [ok, missing], max_zip_size_bytes: CAP, allow_oversize_zips: false, fail_on_url_error: false, fail_on_zip_error: false },
    });
    const job = await api.waitForJob(created.body.job_id);
    expect(job).toMatchObject({ status: 'completed', zip_count: 2, file_count: 1 });
    expect(job.zips.map((z: { status: string }) => z.status)).toEqual(['completed', 'failed']);
    expect(job.errors).toEqual([{ url: missing, error: 'HTTP 404' }]);
  });
});
