/**
 * A ZIP built in segments over the BuildZip ports (the real multipart sink
 * and part uploads over an in-memory S3, sources on a local HTTP server):
 * byte for byte the archive BuildZip builds of the same job; a segment
 * paused at its budget resumes with a range; a source that changes between
 * segments fails the ZIP naming it, and gives up the upload.
 */
process.env.ZIPJOBS_QUIET = 'true';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinEntries } from '../../lambdas/core/jobs/stream-bin';
import { zipProgress, type Bin, type Job, type ZipRecord } from '../../lambdas/core/jobs/model';
import { MiB } from '../../lambdas/core/zip/parts';
import { multipartZipSinks } from '../../lambdas/handlers/workflow/zip-sinks';
import { buildZip } from '../../lambdas/usecases/build-zip';
import { abandonTenantUpload } from '../../lambdas/usecases/build-zip/abandon';
import { buildSegment, type SegmentDeps } from '../../lambdas/usecases/build-zip/segment-build';
import { finishSegments } from '../../lambdas/usecases/build-zip/segment-finish';
import { planZip } from '../../lambdas/usecases/build-zip/segment-plan';
import { deleteExpiredJobObjects } from '../../lambdas/usecases/expire-job';
import { TEST_FETCH } from '../support/build-fakes';
import { buildZipSetup } from '../support/build-zip-harness';
import { FakeS3 } from '../support/fake-s3';
import { memoryBlobStore } from '../support/memory-blobs';
import { memoryJobLists } from '../support/memory-lists';
import { memoryJobStore } from '../support/memory-stores';
import { patternBytes } from '../support/zip-fixtures';
import { readZipWithYauzl } from '../support/zip-readers';

/** Sizes that cut entries across 5 MiB parts, with an empty and a tiny file among them. */
const SIZES = [7 * MiB + 123, 0, 1000, 13 * MiB + 7, 9 * MiB + 5, 2 * MiB + 1, 6 * MiB];
const files = SIZES.map((size, i) => ({ name: `f${i}.bin`, data: patternBytes(i + 7, size), etag: `"v${i}"` }));
const LAST_MODIFIED = 'Tue, 01 Sep 2026 10:00:00 GMT';
const ranges: string[] = [];
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    const file = files.find((f) => req.url === `/${f.name}`);
    if (!file) return void res.writeHead(404).end();
    const headers = { etag: file.etag, 'last-modified': LAST_MODIFIED, 'accept-ranges': 'bytes', 'content-type': 'application/octet-stream' };
    const ifMatch = req.headers['if-match'];
    if (ifMatch !== undefined && ifMatch !== file.etag) return void res.writeHead(412).end();
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const ifRange = req.headers['if-range'];
    if (range && (ifRange === undefined || ifRange === file.etag)) {
      ranges.push(`${file.name} ${range[1]}-${range[2]}`);
      const start = Number(range[1]);
      const end = range[2] ? Number(range[2]) + 1 : file.data.length;
      res.writeHead(206, { ...headers, 'content-length': end - start, 'content-range': `bytes ${start}-${end - 1}/${file.data.length}` });
      return void res.end(file.data.subarray(start, end));
    }
    res.writeHead(200, { ...headers, 'content-length': file.data.length });
    res.end(file.data);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const JOB = { id: 'job-1', tenant_id: 't', run: 1, status: 'processing', created_at: '2026-01-01T00:00:00.000Z', options: { compression: 'store', fail_on_url_error: true, max_zip_size_bytes: null, allow_oversize_zips: false } };
const REF = { zip_id: 'zip_1', sequence: 1, bin_key: 'bins/job-1/zip_1.json' };

/** The bin Prepare pins for these files (names, sizes, validators as probed). */
function pinnedBin(): Bin {
  const entries = pinEntries(
    JOB as unknown as Job,
    files.map((f, index) => ({ index, url: `${base}/${f.name}`, filename: f.name, outcome: { ok: true as const, size: f.data.length, etag: f.etag, last_modified: LAST_MODIFIED, accepts_ranges: true } })),
  );
  return { zip_id: REF.zip_id, sequence: 1, filename: 'out.zip', entries };
}

/** The segmented build's deps over a fresh in-memory S3, job store and bucket. */
function segmentedSetup(maxSegments: number, { tenant = false } = {}) {
  const s3 = new FakeS3();
  const job = { ...JOB, ...(tenant && { destination: { bucket: 'tenant-bucket', key: 'exports/out.zip' } }) };
  const store = memoryJobStore([job as unknown as Job]);
  store.zipsOf(JOB.id).set(1, { job_id: JOB.id, id: REF.zip_id, sequence: 1, status: 'pending', files_done: 0, bytes_done: 0 } as ZipRecord);
  const objects = new Map<string, unknown>([[REF.bin_key, pinnedBin()]]);
  const deps: SegmentDeps & { segments: { partSize: number; minSegmentBytes: number; maxSegments: number } } = {
    store,
    lists: memoryJobLists(),
    blobs: memoryBlobStore(objects),
    now: () => new Date(),
    // A tenant's bucket: the same in-memory S3 under another bucket name.
    sinks: multipartZipSinks({ s3: s3 as unknown as S3Client, bucket: 'b' }, async (j) => (j.destination ? { s3: s3 as unknown as S3Client, bucket: 'tenant-bucket', key: 'exports/out.zip' } : undefined)),
    fetch: TEST_FETCH,
    segments: { partSize: 5 * MiB, minSegmentBytes: 1, maxSegments },
  };
  return { s3, job, store, objects, deps, zip: () => store.zipsOf(JOB.id).get(1)! };
}

async function sequentialZip(): Promise<Buffer> {
  const s3 = new FakeS3();
  const { deps, zips } = buildZipSetup(s3, pinnedBin(), { compression: 'store' });
  expect(await buildZip(deps, JOB.id, REF)).toEqual({ done: true });
  expect(zips.get(1)).toMatchObject({ status: 'completed' });
  return s3.objects.get('zips/job-1/zip_1.zip')!;
}

describe('a ZIP built in segments', () => {
  it('is byte for byte the archive BuildZip builds of the same job', async () => {
    const expected = await sequentialZip();
    const { s3, deps, zip, objects } = segmentedSetup(8);
    const { segments } = await planZip(deps, JOB.id, REF);
    expect(segments).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(zip().status).toBe('processing');
    expect(await Promise.all(segments.map((i) => buildSegment(deps, JOB.id, REF, i)))).toEqual(segments.map(() => ({ done: true })));
    // Each segment reported its own share: together every byte once, and each non-empty file once.
    expect(Object.keys(zip().segment_progress!).sort()).toEqual(segments.map(String));
    expect(zipProgress(zip())).toEqual({ files_done: SIZES.filter((n) => n > 0).length, bytes_done: SIZES.reduce((a, b) => a + b, 0) });
    expect(await finishSegments(deps, JOB.id, REF)).toEqual({ done: true });
    const built = s3.objects.get('zips/job-1/zip_1.zip')!;
    expect(built.length).toBe(expected.length);
    expect(built.equals(expected)).toBe(true);
    expect(zip()).toMatchObject({ status: 'completed', size: expected.length, file_count: files.length, files_done: files.length });
    expect((await readZipWithYauzl(built)).map((e) => [e.name, e.data.equals(files.find((f) => f.name === e.name)!.data)])).toEqual(files.map((f) => [f.name, true]));
    expect([...objects.keys()].filter((k) => k.startsWith('checkpoints/'))).toEqual([]);
    // Parts of one size, all of them 5 MiB but the last (R2's rule too).
    expect(new Set(s3.completedParts.get('zips/job-1/zip_1.zip')!.slice(0, -1))).toEqual(new Set([5 * MiB]));
  });

  it('resumes a segment paused at its budget from where it stopped, with a range', async () => {
    const expected = await sequentialZip();
    const { s3, deps, zip } = segmentedSetup(2);
    const { segments } = await planZip(deps, JOB.id, REF);
    expect(segments).toEqual([0, 1]);
    ranges.length = 0;
    expect(await buildSegment(deps, JOB.id, REF, 0, { stopAt: 0 })).toEqual({ done: false }); // out of time after its first chunk
    const paused = zip().segment_progress!['0']!;
    expect(paused.bytes_done).toBeGreaterThan(0);
    expect(await buildSegment(deps, JOB.id, REF, 0)).toEqual({ done: true });
    expect(zip().segment_progress!['0']!.bytes_done).toBeGreaterThan(paused.bytes_done);
    expect(ranges.some((r) => /^f0\.bin [1-9]\d*-\d+$/.test(r))).toBe(true); // the rest of f0, not f0 again
    expect(await buildSegment(deps, JOB.id, REF, 1)).toEqual({ done: true });
    await finishSegments(deps, JOB.id, REF);
    expect(s3.objects.get('zips/job-1/zip_1.zip')!.equals(expected)).toBe(true);
  });

  it('fails the ZIP, naming the file, when a source changes between segments', async () => {
    const { s3, deps, zip } = segmentedSetup(4);
    const { segments } = await planZip(deps, JOB.id, REF);
    expect(await buildSegment(deps, JOB.id, REF, segments[0]!)).toEqual({ done: true });
    const changed = files[3]!;
    changed.etag = '"v3-new"';
    try {
      for (const i of segments.slice(1)) expect(await buildSegment(deps, JOB.id, REF, i)).toEqual({ done: true });
    } finally {
      changed.etag = '"v3"';
    }
    expect(zip()).toMatchObject({ status: 'failed' });
    expect(zip().errors[0]!.error).toContain(`${base}/f3.bin: changed since it was probed`);
    expect(s3.uploads.size).toBe(0); // the shared upload was aborted
    expect(await finishSegments(deps, JOB.id, REF)).toEqual({ done: true });
    expect(s3.objects.has('zips/job-1/zip_1.zip')).toBe(false);
  });

  it('leaves its records to expiry when it fails, and expiry deletes every one', async () => {
    const { deps, job, store, objects, zip } = segmentedSetup(4);
    // One segment done, one paused mid-way (a checkpoint and its bytes); then a source changes and the ZIP fails.
    const { segments } = await planZip(deps, JOB.id, REF);
    expect(await buildSegment(deps, JOB.id, REF, segments[0]!)).toEqual({ done: true });
    expect(await buildSegment(deps, JOB.id, REF, segments[1]!, { stopAt: 0 })).toEqual({ done: false });
    files[3]!.etag = '"v3-new"';
    try {
      for (const i of segments.slice(2)) await buildSegment(deps, JOB.id, REF, i);
    } finally {
      files[3]!.etag = '"v3"';
    }
    expect(zip().status).toBe('failed');
    const records = () => [...objects.keys()].filter((k) => k.startsWith('checkpoints/'));
    // The plan, segment 0's result and segment 1's checkpoint, each with its bytes (and whatever the others left).
    expect(records()).toEqual(expect.arrayContaining(['checkpoints/job-1/zip_1/run-1/segments.json', 'checkpoints/job-1/zip_1/run-1/segment-0.json', 'checkpoints/job-1/zip_1/run-1/segment-1.run.json']));
    expect(records().filter((k) => k.endsWith('.bin')).length).toBeGreaterThanOrEqual(2);

    Object.assign(job, { expires_at: new Date(Date.now() - 1000).toISOString(), manifest_key: 'manifests/job-1.json' });
    const objectsGone = { deleteObjects: async (keys: readonly string[]) => void keys.forEach((k) => objects.delete(k)) };
    await deleteExpiredJobObjects({ store, objects: objectsGone, blobs: deps.blobs, now: () => new Date() }, JOB.id);
    expect(records()).toEqual([]);
  });

  it('starts afresh in a new run of its job (a retry): a new upload, never the earlier run’s plan', async () => {
    const { s3, deps, job } = segmentedSetup(4);
    await planZip(deps, JOB.id, REF);
    expect(await planZip(deps, JOB.id, REF)).toEqual({ segments: [0, 1, 2, 3] }); // the same run: the same plan
    expect(s3.created).toBe(1);
    job.run = 2; // the store holds this very record
    expect(await planZip(deps, JOB.id, REF)).toEqual({ segments: [0, 1, 2, 3] });
    expect(s3.created).toBe(2);
  });

  it('gives up its shared upload in a tenant’s bucket when the ZIP fails outside its segments (MarkZipFailed)', async () => {
    const { s3, deps } = segmentedSetup(4, { tenant: true });
    const { segments } = await planZip(deps, JOB.id, REF);
    expect(await buildSegment(deps, JOB.id, REF, segments[0]!)).toEqual({ done: true });
    expect(s3.uploads.size).toBe(1);
    await abandonTenantUpload(deps, JOB.id, REF);
    expect(s3.uploads.size).toBe(0);
  });

  it('is not chosen for a ZIP below two segments’ minimum, or whose entries are not pinned', async () => {
    const small = segmentedSetup(8);
    expect(await planZip({ ...small.deps, segments: { partSize: 5 * MiB, minSegmentBytes: 1024 * MiB, maxSegments: 8 } }, JOB.id, REF)).toEqual({ segments: [] });
    const unpinned = segmentedSetup(8);
    unpinned.objects.set(REF.bin_key, { ...pinnedBin(), entries: pinnedBin().entries.map(({ stream: _, ...e }) => e) });
    expect(await planZip(unpinned.deps, JOB.id, REF)).toEqual({ segments: [] });
    expect(unpinned.zip().status).toBe('pending');
  });
});
