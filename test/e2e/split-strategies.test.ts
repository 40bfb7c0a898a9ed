/**
 * Split jobs with real volume: about 600 MB of generated sources packed into
 * 100 MiB ZIPs by both strategies, downloaded and checked byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { useLocalApi } from './support/use-local-api';
import { SyntheticSources, expectZipEntries } from './support/synthetic-sources';

const MiB = 1024 * 1024;
const CAP = 104_857_600;
const sources = new SyntheticSources();
const api = useLocalApi(sources);

// In input order; a few bytes off whole MiB so that no size is round.
const SIZES = [60, 15, 50, 22, 42, 35, 25].map((m, i) => m * MiB + 7 * i);
const paths = SIZES.map((size, i) => {
  const path = `/media/clip-${i}.mp4`;
  sources.set(path, { size });
  return path;
});

type Zip = { filename: string; status: string; size: number; file_count: number; download_url: string | null };

/** Downloads every ZIP of the job and checks each against the files expected in it. */
async function expectZips(job: Record<string, any>, expected: { name: string; path: string }[][], cap: number | null = CAP): Promise<void> {
  expect(job.zips).toHaveLength(expected.length);
  for (const [i, zip] of (job.zips as Zip[]).entries()) {
    expect(zip.status).toBe('completed');
    expect(zip.download_url).toMatch(/\/download\//);
    const { bytes } = await api.download(zip.download_url!);
    expect(bytes.length).toBe(zip.size);
    if (cap !== null) expect(bytes.length).toBeLessThanOrEqual(cap);
    await expectZipEntries(bytes, expected[i]!.map(({ name, path }) => ({ name, bytes: sources.bytes(path) })));
  }
}

describe('auto-split into 100 MiB ZIPs', () => {
  it('preserve-order: files in input order, a new ZIP whenever the next file does not fit', async () => {
    const files = paths.map((path, i) => ({ url: `${sources.url}${path}`, filename: `videos/clip ${i}.mp4` }));
    const created = await api.request('POST', '/jobs', {
      body: { files, zip_filename: 'abc.zip', max_zip_size_bytes: CAP, split_strategy: 'preserve-order', compression: 'store' },
    });
    const job = await api.waitForJob(created.body.job_id, ['completed', 'failed'], 240_000);
    expect(job).toMatchObject({ status: 'completed', multi_zip: true, zip_count: 4, file_count: 7, zip_size: null, download_url: null, zip_filename: 'abc_1.zip' });
    expect(job.zips.map((z: Zip) => z.filename)).toEqual(['abc_1.zip', 'abc_2.zip', 'abc_3.zip', 'abc_4.zip']);
    const entry = (i: number) => ({ name: `videos/clip ${i}.mp4`, path: paths[i]! });
    await expectZips(job, [[entry(0), entry(1)], [entry(2), entry(3)], [entry(4), entry(5)], [entry(6)]]);
  }, 240_000);

  it('ffd: fewer ZIPs, entries in input order inside each', async () => {
    const urls = paths.map((path) => `${sources.url}${path}`);
    const created = await api.request('POST', '/jobs', { body: { urls, zip_filename: 'abc', max_zip_size_bytes: CAP, split_strategy: 'ffd' } });
    const job = await api.waitForJob(created.body.job_id, ['completed', 'failed'], 240_000);
    expect(job).toMatchObject({ status: 'completed', multi_zip: true, zip_count: 3, file_count: 7, zip_size: null, download_url: null });
    expect(job.zips.map((z: Zip) => z.filename)).toEqual(['abc_1.zip', 'abc_2.zip', 'abc_3.zip']);
    const entry = (i: number) => ({ name: `clip-${i}.mp4`, path: paths[i]! });
    await expectZips(job, [[entry(0), entry(5)], [entry(1), entry(3), entry(6)], [entry(2), entry(4)]]);
  }, 240_000);

  it('allow_oversize_zips (default): a file larger than the cap gets a ZIP of its own', async () => {
    const big = sources.set('/oversize/big.bin', { size: CAP + MiB });
    const before = sources.set('/oversize/before.txt', { size: 1000 });
    const after = sources.set('/oversize/after.txt', { size: 2000 });
    const created = await api.request('POST', '/jobs', { body: { urls: [before, big, after], max_zip_size_bytes: CAP, compression: 'store' } });
    const job = await api.waitForJob(created.body.job_id, ['completed', 'failed'], 240_000);
    expect(job).toMatchObject({ status: 'completed', zip_count: 3, file_count: 3 });
    expect(job.zips.map((z: Zip) => z.file_count)).toEqual([1, 1, 1]);
    expect(job.zips[1].size).toBeGreaterThan(CAP);
    await expectZips(
      job,
      [[{ name: 'before.txt', path: '/oversize/before.txt' }], [{ name: 'big.bin', path: '/oversize/big.bin' }], [{ name: 'after.txt', path: '/oversize/after.txt' }]],
      null,
    );
    for (const i of [0, 2]) expect(job.zips[i].size).toBeLessThanOrEqual(CAP);
  }, 240_000);
});
