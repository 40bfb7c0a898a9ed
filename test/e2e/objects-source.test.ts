/**
 * Stored objects as BuildZip sources, against an S3 stand-in: GetObject by
 * key (and version, when pinned) with If-Match on the ETag Prepare saw; a
 * build paused mid-object resumes with a ranged GetObject; a missing, changed
 * or foreign object fails its entry by name, as a failing URL does.
 */
process.env.ZIPJOBS_QUIET = 'true';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectKeys, type Bin, type BinEntry } from '../../lambdas/core/jobs/model';
import { buildZip } from '../../lambdas/usecases/build-zip';
import { S3StandIn } from '../support/s3-standin';
import { buildFakes, objectBuildDeps } from '../support/build-fakes';
import { listedErrors } from '../support/memory-lists';
import { readZipWithYauzl } from '../support/zip-readers';

const storage = new S3StandIn();
beforeAll(() => storage.start(['service', 'tenant-media']));
afterAll(() => storage.stop());

/** Every GetObject the object source sent to the tenant's bucket. */
const gets: Record<string, unknown>[] = [];

function setup(bin: Bin, options: Record<string, unknown> = {}) {
  const job = {
    id: `job-${bin.zip_id}`,
    tenant_id: 'acme',
    run: 1,
    status: 'processing',
    created_at: '2026-01-01T00:00:00.000Z',
    options: { compression: 'store', fail_on_url_error: false, max_zip_size_bytes: null, allow_oversize_zips: true, ...options },
  };
  const { store, blobs, zips } = buildFakes(job, bin);
  const tenantClient = {
    send: (command: GetObjectCommand) => {
      gets.push({ ...command.input });
      return storage.client.send(command);
    },
  } as unknown as S3Client;
  // Tenant acme has one configured bucket, "media" (its own name at the service: tenant-media).
  const deps = objectBuildDeps({ store, blobs }, storage.client, tenantClient, 'tenant-media');
  /** The file errors the build listed for its ZIP (kept beside the job, not on the ZIP's record). */
  const fileErrors = () => listedErrors(deps.lists, job.id);
  return { deps, zips, fileErrors, ref: { zip_id: bin.zip_id, sequence: 1, bin_key: 'bins/x' } };
}

/** Out of time as soon as the object has been asked for: the run pauses inside it. */
const outOfTimeIn = (key: string) => ({
  get stopAt() {
    return gets.some((g) => g.Key === key) ? 0 : Number.POSITIVE_INFINITY;
  },
});

async function zipOf(bin: Bin): Promise<Buffer> {
  const out = await storage.client.send(new GetObjectCommand({ Bucket: 'service', Key: objectKeys.zip(`job-${bin.zip_id}`, bin.zip_id) }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

describe('stored objects as ZIP sources', () => {
  it('zips objects by pinned ETag and by s3:// URL, and names each failure', async () => {
    const report = randomBytes(70_000);
    const reportTag = await storage.put('tenant-media', 'docs/2026/report.pdf', report);
    const oddTag = await storage.put('tenant-media', 'docs/what?#.txt', 'odd key');
    await storage.put('tenant-media', 'docs/changed.txt', 'changed since');
    const entries: BinEntry[] = [
      { index: 0, url: 's3://media/docs/2026/report.pdf', filename: 'docs/report.pdf', object: { etag: reportTag } },
      { index: 1, url: 's3://media/docs/what?#.txt', filename: null },
      { index: 2, url: 's3://media/docs/missing.txt', filename: null },
      { index: 3, url: 's3://media/docs/changed.txt', filename: null, object: { etag: '"0123456789abcdef0123456789abcdef"' } },
      { index: 4, url: 's3://elsewhere/docs/2026/report.pdf', filename: null },
    ];
    const bin: Bin = { zip_id: 'z1', sequence: 1, filename: 'objects.zip', entries };
    const { deps, zips, fileErrors, ref } = setup(bin);
    expect(await buildZip(deps, 'job-z1', ref)).toEqual({ done: true });

    expect(zips.get(1)).toMatchObject({ status: 'completed', file_count: 2, file_error_count: 3 });
    expect(await fileErrors()).toEqual([
      { url: 's3://media/docs/missing.txt', error: 'object not found' },
      { url: 's3://media/docs/changed.txt', error: 'object changed' },
      { url: 's3://elsewhere/docs/2026/report.pdf', error: 'no bucket named elsewhere' },
    ]);
    const zip = await readZipWithYauzl(await zipOf(bin));
    expect(zip.map((e) => e.name)).toEqual(['docs/report.pdf', 'what_#.txt']);
    expect(zip[0]!.data.equals(report)).toBe(true);
    expect(zip[1]!.data.toString()).toBe('odd key');
    expect(gets.find((g) => g.Key === 'docs/2026/report.pdf')).toMatchObject({ Bucket: 'tenant-media', IfMatch: reportTag });
    expect(oddTag).toMatch(/^"/);
  });

  it('resumes an object mid-file with a ranged GetObject and If-Match, to the same bytes', async () => {
    const big = randomBytes(6 * 1024 * 1024);
    const tag = await storage.put('tenant-media', 'video/big.bin', big);
    const bin: Bin = { zip_id: 'z2', sequence: 1, filename: 'big.zip', entries: [{ index: 0, url: 's3://media/video/big.bin', filename: 'big.bin', object: { etag: tag } }] };
    const { deps, zips, ref } = setup(bin);
    gets.length = 0;
    const first = await buildZip(deps, 'job-z2', ref, outOfTimeIn('video/big.bin'));
    expect(first).toEqual({ done: false });
    expect(await buildZip(deps, 'job-z2', ref)).toEqual({ done: true });
    expect(zips.get(1)).toMatchObject({ status: 'completed', file_count: 1 });
    const ranged = gets.filter((g) => g.Range);
    expect(ranged.length).toBeGreaterThanOrEqual(1);
    expect(ranged[0]).toMatchObject({ Key: 'video/big.bin', IfMatch: tag, Range: expect.stringMatching(/^bytes=[1-9]\d*-$/) });
    const zip = await readZipWithYauzl(await zipOf(bin));
    expect(zip[0]!.data.equals(big)).toBe(true);
  });

  it('fails a paused object that changed before the rest was read, rather than mixing two versions', async () => {
    const big = randomBytes(6 * 1024 * 1024);
    const tag = await storage.put('tenant-media', 'video/edited.bin', big);
    const bin: Bin = { zip_id: 'z3', sequence: 1, filename: 'e.zip', entries: [{ index: 0, url: 's3://media/video/edited.bin', filename: null, object: { etag: tag } }] };
    const { deps, zips, fileErrors, ref } = setup(bin, { fail_on_url_error: true });
    expect(await buildZip(deps, 'job-z3', ref, outOfTimeIn('video/edited.bin'))).toEqual({ done: false });
    await storage.put('tenant-media', 'video/edited.bin', randomBytes(6 * 1024 * 1024));
    expect(await buildZip(deps, 'job-z3', ref)).toEqual({ done: true });
    expect(zips.get(1)).toMatchObject({ status: 'failed', errors: [], file_error_count: 1 });
    expect(await fileErrors()).toEqual([{ url: 's3://media/video/edited.bin', error: 'object changed' }]);
  });
});
