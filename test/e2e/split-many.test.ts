/**
 * 20,000 tiny files in one split job: all probed (HEAD, 32 at a time), packed
 * into one ZIP under the cap, every entry there; the wall time is printed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useLocalApi } from './support/use-local-api';
import { SyntheticSources } from './support/synthetic-sources';
import { readZipWithYauzl } from '../support/zip-readers';

const COUNT = 20_000;
const CAP = 104_857_600;
const sources = new SyntheticSources();
const api = useLocalApi(sources);
const paths = Array.from({ length: COUNT }, (_, i) => `/many/f${String(i).padStart(5, '0')}.txt`);

beforeAll(() => paths.forEach((path, i) => sources.set(path, { size: 20 + (i % 50) })));

/** Polls gently (each GET carries the 20,000-file list), noting when the job leaves `preparing` and when it ends. */
async function runJob(body: Record<string, unknown>): Promise<Record<string, any>> {
  const started = performance.now();
  const created = await api.request('POST', '/jobs', { body: { urls: paths.map((p) => `${sources.url}${p}`), ...body } });
  expect(created.status).toBe(201);
  let preparedAt: number | undefined;
  for (;;) {
    const { body: job } = await api.getJob(created.body.job_id);
    if (job.status !== 'preparing') preparedAt ??= performance.now();
    if (job.status === 'completed' || job.status === 'failed') {
      const seconds = (t: number) => ((t - started) / 1000).toFixed(1);
      console.info(`20,000 files: prepared within ${seconds(preparedAt!)} s, ${job.status} within ${seconds(performance.now())} s of the POST`);
      return job;
    }
    if (performance.now() - started > 900_000) throw new Error(`job still ${job.status}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function expectAllEntries(job: Record<string, any>): Promise<void> {
  expect(job).toMatchObject({ status: 'completed', zip_count: 1, file_count: COUNT, errors: [] });
  const { bytes } = await api.download(job.zips[0].download_url);
  const entries = await readZipWithYauzl(bytes);
  expect(entries).toHaveLength(COUNT);
  entries.forEach((e, i) => {
    expect(e.name).toBe(paths[i]!.slice('/many/'.length));
    if (!e.data.equals(sources.bytes(paths[i]!))) throw new Error(`${e.name}: bytes differ from the source`);
  });
}

describe('a job of 20,000 files', () => {
  it('split: all 20,000 probed and packed into one ZIP under the cap', async () => {
    const job = await runJob({ max_zip_size_bytes: CAP, zip_filename: 'many.zip' });
    expect(job.zips[0].filename).toBe('many.zip');
    expect(job.zips[0].size).toBeLessThanOrEqual(CAP);
    expect(sources.requests.filter((r) => r.startsWith('HEAD ')).length).toBe(COUNT);
    await expectAllEntries(job);
  }, 900_000);
});
