/** BuildZip and slow sources: under the minimum rate, or out of time for the file, is a `timeout`, and not asked again. */
process.env.ZIPJOBS_QUIET = 'true';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bin } from '../../lambdas/core/jobs/model';
import { buildZip } from '../../lambdas/usecases/build-zip';
import { FaultServer } from '../e2e/support/fault-server';
import { buildZipSetup } from '../support/build-zip-harness';
import { FakeS3 } from '../support/fake-s3';

const sources = new FaultServer();
beforeAll(() => sources.start());
afterAll(() => sources.stop());

const ref = { zip_id: 'z1', sequence: 1, bin_key: 'bins/x' };
// A byte every 50 ms: never idle for the 5 s idle timeout, and 20 bytes a second.
const trickle = { body: Buffer.alloc(4000, 120), chunkSize: 1, delayMs: 50 };

describe('BuildZip and slow sources', () => {
  it.each([
    ['slower than the minimum rate', { minRate: { minBytesPerSecond: 200, windowMs: 400 } }, {}],
    ['out of time for the file', {}, { maxFileMs: 400 }],
  ])('a source %s fails its file with timeout, after one request', async (label, fetch, extra) => {
    const path = `/slow/${label.replace(/\W+/g, '-')}.bin`;
    const bin: Bin = { zip_id: 'z1', sequence: 1, filename: 'out.zip', entries: [{ index: 0, url: sources.set(path, trickle), filename: 'slow.bin' }] };
    const { deps, zips, fileErrors, fetch: sourceFetch } = buildZipSetup(new FakeS3(), bin, {}, fetch);
    const started = Date.now();
    expect(await buildZip({ ...deps, ...extra }, 'job-1', ref)).toEqual({ done: true });
    expect(Date.now() - started).toBeLessThan(sourceFetch.idleTimeoutMs);
    expect(zips.get(1)).toMatchObject({ status: 'failed', file_error_count: 1 });
    expect(await fileErrors()).toEqual([{ url: bin.entries[0]!.url, error: 'timeout' }]);
    expect(sources.requestsFor(path)).toHaveLength(1);
  }, 30_000);
});
