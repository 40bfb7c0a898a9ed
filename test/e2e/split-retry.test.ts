/**
 * What a failed split job does when it is retried through `POST /jobs/:id/retry`:
 * by default it resumes from its checkpoint (completed ZIPs kept, their
 * sources not fetched again); `from_checkpoint: false` probes and packs again.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../../lambdas/env';
import { storageDeps } from '../../lambdas/handlers/deps';
import { objectKeys, type BinRef } from '../../lambdas/core/jobs/model';
import { useLocalApi } from './support/use-local-api';
import { SyntheticSources, expectZipEntries } from './support/synthetic-sources';

const CAP = 104_857_600;
const sources = new SyntheticSources();
const api = useLocalApi(sources);
let deps: ReturnType<typeof storageDeps>;

// The stack's stand-ins, reached the way the handlers reach them.
beforeAll(() => void (deps = storageDeps(loadEnv(['TABLE_NAME', 'BUCKET_NAME', 'EVENT_BUS_NAME']))));

/**
 * A split job of three ZIPs whose middle one fails: its file is missing, so
 * its probe fails (a bin of its own) and so does its GET.
 */
async function failedJob(prefix: string): Promise<{ id: string; urls: string[]; job: Record<string, any> }> {
  const unknown = { size: 500, head: 'no-length', ranges: false, chunked: true } as const;
  const urls = [sources.set(`${prefix}/one.txt`, unknown), `${sources.url}${prefix}/two.txt`, sources.set(`${prefix}/three.txt`, unknown)];
  const created = await api.request('POST', '/jobs', { body: { urls, zip_filename: 'r.zip', max_zip_size_bytes: CAP } });
  const job = await api.waitForJob(created.body.job_id);
  expect(job.status).toBe('failed');
  expect(job.zips.map((z: { status: string }) => z.status)).toEqual(['completed', 'failed', 'completed']);
  return { id: created.body.job_id, urls, job };
}

/** Retries through the API (`body` undefined: no body at all), then waits for the new run to end. */
async function retry(id: string, body?: Record<string, unknown>): Promise<Record<string, any>> {
  const res = await api.request('POST', `/jobs/${id}/retry`, body === undefined ? {} : { body });
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ success: true, job_id: id });
  return api.waitForJob(id);
}

describe('Prepare on a retry', () => {
  it('by default resumes from the checkpoint: completed ZIPs stay as they are, their sources are not fetched again; only the failed one is rebuilt', async () => {
    const { id, job: before } = await failedJob('/ckpt');
    sources.set('/ckpt/two.txt', { size: 700 });
    // Every request for a source, probes (HEAD, ranged GET) included.
    const hits = (name: string) => sources.requests.filter((r) => r.endsWith(` /ckpt/${name}`)).length;
    const [oneHits, threeHits] = [hits('one.txt'), hits('three.txt')];
    expect(oneHits).toBeGreaterThan(0);

    const job = await retry(id);
    expect(job).toMatchObject({ status: 'completed', zip_count: 3, file_count: 3, errors: [] });
    expect(job.zips.map((z: { filename: string; status: string }) => [z.filename, z.status])).toEqual([
      ['r_1.zip', 'completed'],
      ['r_2.zip', 'completed'],
      ['r_3.zip', 'completed'],
    ]);
    for (const i of [0, 2]) expect(job.zips[i].size).toBe(before.zips[i].size);
    expect([hits('one.txt'), hits('three.txt')]).toEqual([oneHits, threeHits]);
    expect(hits('two.txt')).toBeGreaterThan(0);
    expect(await deps.blobs.getJson<BinRef[]>(objectKeys.binsList(id, 2))).toEqual([{ zip_id: 'zip_2', sequence: 2, bin_key: objectKeys.bin(id, 'zip_2') }]);
    const { bytes } = await api.download(job.zips[1].download_url);
    await expectZipEntries(bytes, [{ name: 'two.txt', bytes: sources.bytes('/ckpt/two.txt') }]);
  });

  it('with from_checkpoint: false, probes and packs again, and drops the ZIPs the new packing no longer has', async () => {
    const { id, urls } = await failedJob('/fresh');
    // Now every size is known and small: one ZIP holds all three.
    for (const name of ['one.txt', 'two.txt', 'three.txt']) sources.set(`/fresh/${name}`, { size: 300 });

    const job = await retry(id, { from_checkpoint: false });
    expect(job).toMatchObject({ status: 'completed', zip_count: 1, multi_zip: false, file_count: 3, zip_filename: 'r.zip', errors: [] });
    expect(job.zips).toHaveLength(1);
    expect(await deps.store.listZips(id)).toHaveLength(1);
    for (const zipId of ['zip_2', 'zip_3']) {
      await expect(deps.blobs.getJson(objectKeys.bin(id, zipId))).rejects.toThrow();
      await expect(deps.blobs.getJson(objectKeys.zip(id, zipId))).rejects.toThrow();
    }
    const { bytes } = await api.download(job.download_url);
    await expectZipEntries(
      bytes,
      urls.map((url) => ({ name: url.split('/').pop()!, bytes: sources.bytes(new URL(url).pathname) })),
    );
  });
});
