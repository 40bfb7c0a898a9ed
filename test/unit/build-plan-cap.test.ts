/**
 * BuildZip holds every ZIP to the plan's per-archive size (the job's
 * `limits`), split or not: a source is cut off with `too large` before the
 * archive would pass it, and one announced larger than the room left is
 * refused before its body is read. A stream job's ZIPs, sized when it is
 * prepared, are held to the same limits.
 */
process.env.ZIPJOBS_QUIET = 'true';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectKeys, type Bin, type Job, type ZipRecord } from '../../lambdas/core/jobs/model';
import { DEFAULT_PLAN } from '../../lambdas/core/plans';
import { buildZip } from '../../lambdas/usecases/build-zip';
import { oversizeStreamZips } from '../../lambdas/usecases/prepare-outcomes';
import { FaultServer } from '../e2e/support/fault-server';
import { readZipWithYauzl } from '../support/zip-readers';
import { buildZipSetup } from '../support/build-zip-harness';
import { FakeS3 } from '../support/fake-s3';

const sources = new FaultServer();
beforeAll(() => sources.start());
afterAll(() => sources.stop());

describe("BuildZip and the plan's per-archive size", () => {
  it('cuts off the source that would pass it, refuses one announced larger unread, and keeps the ZIP within it', async () => {
    const cap = 64 * 1024;
    const a = randomBytes(30_000);
    const b = randomBytes(30_000);
    const bin: Bin = {
      zip_id: 'z1',
      sequence: 1,
      filename: 'out.zip',
      entries: [
        { index: 0, url: sources.set('/cap/a.bin', { body: a }), filename: 'a.bin' },
        // Announced larger than the whole cap, then silent: reading its body would end in `timeout`.
        { index: 1, url: sources.set('/cap/announced.bin', { body: randomBytes(1024), announcedLength: 1024 * 1024, stallAfter: 1 }), filename: 'announced.bin' },
        { index: 2, url: sources.set('/cap/b.bin', { body: b }), filename: 'b.bin' },
        // No length announced: only the bytes past the room left show it does not fit.
        { index: 3, url: sources.set('/cap/c.bin', { body: randomBytes(30_000), chunked: true }), filename: 'c.bin' },
      ],
    };
    const s3 = new FakeS3();
    const { deps, zips, job, fileErrors, fetch } = buildZipSetup(s3, bin, { fail_on_url_error: false });
    Object.assign(job, { limits: { max_zip_size_bytes: cap } });

    const started = Date.now();
    expect(await buildZip(deps, 'job-1', { zip_id: 'z1', sequence: 1, bin_key: 'bins/x' })).toEqual({ done: true });
    expect(Date.now() - started).toBeLessThan(fetch.idleTimeoutMs);
    const zip = zips.get(1)!;
    expect(zip).toMatchObject({ status: 'completed', file_count: 2, file_error_count: 2 });
    expect(await fileErrors()).toEqual([
      { url: bin.entries[1]!.url, error: 'too large' },
      { url: bin.entries[3]!.url, error: 'too large' },
    ]);
    const bytes = s3.objects.get(objectKeys.zip('job-1', 'z1'))!;
    expect(bytes.length).toBe(zip.size);
    expect(bytes.length).toBeLessThanOrEqual(cap);
    const entries = await readZipWithYauzl(bytes);
    expect(entries.map((e) => e.name)).toEqual(['a.bin', 'b.bin']);
    expect(entries[1]!.data.equals(b)).toBe(true);
  }, 30_000);
});

describe("a stream job and the plan's per-archive size", () => {
  const zip = (size: number) => ({ filename: 'a.zip', size }) as ZipRecord;
  const roomy = { ...DEFAULT_PLAN, max_zip_size_bytes: 10 * 1024 ** 3 };

  it("holds its ZIPs to the limits of the run (the retrying key's plan) over the creating key's plan", () => {
    const job = { plan: roomy.name, limits: { max_zip_size_bytes: 200 * 1024 ** 2 } } as Job;
    expect(oversizeStreamZips({ planOf: () => roomy }, job, [zip(150 * 1024 ** 2)])).toEqual([]);
    expect(oversizeStreamZips({ planOf: () => roomy }, job, [zip(300 * 1024 ** 2)])).toEqual([
      { error: `a.zip would be ${300 * 1024 ** 2} bytes, more than the plan's ${200 * 1024 ** 2} bytes per archive` },
    ]);
  });

  it('holds a job from before limits were recorded to its plan', () => {
    expect(oversizeStreamZips({ planOf: () => roomy }, { plan: roomy.name } as Job, [zip(11 * 1024 ** 3)])).toHaveLength(1);
  });
});
