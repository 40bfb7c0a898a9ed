/**
 * The BuildZip use case across runs, with in-memory S3 and job store and a
 * local source server: a run that hits its budget checkpoints, a run that
 * crashes (a storage fault) leaves that checkpoint usable, and the next run
 * resumes from it (mid-file, with Range) to the same archive.
 */
process.env.ZIPJOBS_QUIET = 'true';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectKeys, type Bin } from '../../lambdas/core/jobs/model';
import { buildZip } from '../../lambdas/usecases/build-zip';
import type { BuildCheckpoint } from '../../lambdas/usecases/build-zip/checkpoint';
import { FaultServer } from '../e2e/support/fault-server';
import { buildZipSetup } from '../support/build-zip-harness';
import { FakeS3 } from '../support/fake-s3';
import { readZipWithYauzl } from '../support/zip-readers';

const sources = new FaultServer();
beforeAll(() => sources.start());
afterAll(() => sources.stop());

describe('BuildZip across runs', () => {
  it('checkpoints at its budget, survives a crashed run, and resumes mid-file to a whole archive', async () => {
    const MiB = 1024 * 1024;
    const lastModified = 'Wed, 21 Oct 2026 07:28:00 GMT';
    const a = randomBytes(22 * MiB);
    const b = randomBytes(2 * MiB);
    const c = Buffer.from('tail');
    const bin: Bin = {
      zip_id: 'z1',
      sequence: 1,
      filename: 'out.zip',
      entries: [
        { index: 0, url: sources.set('/u/a.bin', { body: a, lastModified }), filename: 'a.bin' },
        { index: 1, url: sources.set('/u/b.bin', { body: b, lastModified, etag: '"b1"', delayMs: 40 }), filename: 'b.bin' },
        { index: 2, url: sources.set('/u/c.txt', { body: c, lastModified }), filename: 'a.bin' },
      ],
    };
    const s3 = new FakeS3();
    const { deps, zips } = buildZipSetup(s3, bin);
    const ref = { zip_id: 'z1', sequence: 1, bin_key: 'bins/x' };
    const cpKey = objectKeys.checkpoint('job-1', 'z1');

    // Run 1: out of time as soon as b.bin streams.
    const outOfTimeInB = {
      get stopAt() {
        return sources.requestsFor('/u/b.bin').length > 0 ? 0 : Number.POSITIVE_INFINITY;
      },
    };
    const first = await buildZip(deps, 'job-1', ref, outOfTimeInB);
    expect(first).toEqual({ done: false });
    const cp = JSON.parse(s3.objects.get(cpKey)!.toString()) as BuildCheckpoint;
    expect(cp.upload_id).toBe('u1');
    expect(cp.progress!.paused).toEqual({ entry: 1, name: 'b.bin', validator: '"b1"', elapsed_ms: expect.any(Number) });
    expect(cp.progress!.claimed).toEqual(['a.bin', 'b.bin']);
    expect(cp.progress!.sink.parts.filter((p) => p.etag).map((p) => p.number)).toEqual([1, 2]);
    expect(s3.objects.has(cp.progress!.data_key)).toBe(true);
    expect(zips.get(1)).toMatchObject({ status: 'processing', files_done: 1, bytes_done: a.length });

    // Run 2: S3 fails on the way; the error escapes (the state machine retries) and the checkpoint stays.
    s3.failUploads = true;
    await expect(buildZip(deps, 'job-1', ref)).rejects.toThrow();
    expect(s3.objects.get(cpKey)!.toString()).toBe(JSON.stringify(cp));

    // Run 3: resumes from run 1's checkpoint, with Range for the rest of b.bin.
    s3.failUploads = false;
    expect(await buildZip(deps, 'job-1', ref)).toEqual({ done: true });
    expect(s3.created).toBe(1);
    const ranges = sources.requestsFor('/u/b.bin').filter((r) => r.range);
    expect(ranges.length).toBeGreaterThanOrEqual(2);
    expect(ranges.every((r) => r.ifRange === '"b1"')).toBe(true);
    expect(zips.get(1)).toMatchObject({ status: 'completed', file_count: 3, files_done: 3, bytes_done: a.length + b.length + c.length });
    expect([...s3.objects.keys()].filter((k) => k.startsWith('checkpoints/'))).toEqual([]);

    const entries = await readZipWithYauzl(s3.objects.get(objectKeys.zip('job-1', 'z1'))!);
    expect(entries.map((e) => e.name)).toEqual(['a.bin', 'b.bin', 'a (1).bin']);
    expect(entries[0]!.data.equals(a)).toBe(true);
    expect(entries[1]!.data.equals(b)).toBe(true);
    expect(entries[2]!.data.equals(c)).toBe(true);
  }, 60_000);

  it('restarts a paused entry from byte 0 when the source no longer honours Range', async () => {
    const body = randomBytes(1024 * 1024);
    const path = '/v/file.bin';
    const bin: Bin = {
      zip_id: 'z2',
      sequence: 1,
      filename: 'out.zip',
      entries: [{ index: 0, url: sources.set(path, { body, etag: '"v1"', delayMs: 30 }), filename: 'file.bin' }],
    };
    const s3 = new FakeS3();
    const { deps } = buildZipSetup(s3, bin);
    const ref = { zip_id: 'z2', sequence: 1, bin_key: 'bins/y' };
    expect(await buildZip(deps, 'job-1', ref, { stopAt: Date.now() + 200 })).toEqual({ done: false });
    sources.set(path, { body, etag: '"v1"', ranges: false }); // the server changed: whole file only
    expect(await buildZip(deps, 'job-1', ref)).toEqual({ done: true });
    const served = sources.requestsFor(path);
    expect(served.at(-2)!.range).toMatch(/^bytes=\d+-$/); // refused (200), so…
    expect(served.at(-1)!.range).toBeUndefined(); // …from the start
    const entries = await readZipWithYauzl(s3.objects.get(objectKeys.zip('job-1', 'z2'))!);
    expect(entries.map((e) => e.name)).toEqual(['file.bin']);
    expect(entries[0]!.data.equals(body)).toBe(true);
  }, 60_000);

  it('builds afresh when the upload its checkpoint continues is gone (aborted a day on, or completed before a crash)', async () => {
    const MiB = 1024 * 1024;
    const a = randomBytes(12 * MiB);
    const b = randomBytes(3 * MiB);
    const bin: Bin = {
      zip_id: 'z3',
      sequence: 1,
      filename: 'out.zip',
      entries: [
        { index: 0, url: sources.set('/gone/a.bin', { body: a }), filename: 'a.bin' },
        { index: 1, url: sources.set('/gone/b.bin', { body: b, delayMs: 20 }), filename: 'b.bin' },
      ],
    };
    const s3 = new FakeS3();
    const { deps, zips } = buildZipSetup(s3, bin);
    const ref = { zip_id: 'z3', sequence: 1, bin_key: 'bins/z' };
    const cpKey = objectKeys.checkpoint('job-1', 'z3');
    const zipKey = objectKeys.zip('job-1', 'z3');
    const outOfTimeInB = {
      get stopAt() {
        return sources.requestsFor('/gone/b.bin').length > 0 ? 0 : Number.POSITIVE_INFINITY;
      },
    };
    const check = async () => {
      const entries = await readZipWithYauzl(s3.objects.get(zipKey)!);
      expect(entries.map((e) => [e.name, e.data.equals(e.name === 'a.bin' ? a : b)])).toEqual([['a.bin', true], ['b.bin', true]]);
      expect(zips.get(1)).toMatchObject({ status: 'completed', files_done: 2, bytes_done: a.length + b.length });
      expect([...s3.objects.keys()].filter((k) => k.startsWith('checkpoints/'))).toEqual([]);
    };

    // Paused in b.bin with parts uploaded; then S3's lifecycle rule aborts the upload.
    expect(await buildZip(deps, 'job-1', ref, outOfTimeInB)).toEqual({ done: false });
    const paused = s3.objects.get(cpKey)!;
    const pausedCp = JSON.parse(paused.toString()) as BuildCheckpoint;
    const pausedData = s3.objects.get(pausedCp.progress!.data_key)!;
    expect(pausedCp.upload_id).toBe('u1');
    s3.uploads.delete('u1');
    expect(await buildZip(deps, 'job-1', ref)).toEqual({ done: true });
    expect(s3.created).toBe(2);
    await check();
    const built = s3.objects.get(zipKey)!;

    // The same checkpoint again, as if the run had crashed after completing upload u2 but before recording
    // the ZIP (and the retry found the record still processing): u2 takes no more parts, so afresh again.
    s3.objects.set(cpKey, Buffer.from(JSON.stringify({ ...pausedCp, upload_id: 'u2' })));
    s3.objects.set(pausedCp.progress!.data_key, pausedData);
    zips.set(1, { ...zips.get(1)!, status: 'processing' });
    expect(await buildZip(deps, 'job-1', ref)).toEqual({ done: true });
    expect(s3.created).toBe(3);
    await check();
    expect(s3.objects.get(zipKey)!.equals(built)).toBe(true);
  }, 60_000);

  it.each([
    ['retried (a new run)', { run: 2, status: 'preparing' }],
    ['failed by WorkflowEnded', { status: 'failed' }],
  ])('gives way when its job was %s while it ran: no checkpoint, no ZIP, the record untouched', async (_, change) => {
    const body = randomBytes(3 * 1024 * 1024);
    const bin: Bin = { zip_id: 'z1', sequence: 1, filename: 'out.zip', entries: [{ index: 0, url: sources.set(`/g/${change.status}.bin`, { body }), filename: 'a.bin' }] };
    const s3 = new FakeS3();
    const { deps, zips, job } = buildZipSetup(s3, bin);
    Object.assign(job, { run: 1, status: 'processing' });
    // The execution ends and the job moves on once this build has started.
    const started = deps.store.updateZip.bind(deps.store);
    deps.store.updateZip = async (...args) => {
      const changed = await started(...args);
      Object.assign(job, change);
      return changed;
    };
    expect(await buildZip(deps, 'job-1', { zip_id: 'z1', sequence: 1, bin_key: 'bins/x' })).toEqual({ done: true });
    expect(s3.objects.has(objectKeys.zip('job-1', 'z1'))).toBe(false);
    expect(s3.objects.has(objectKeys.checkpoint('job-1', 'z1'))).toBe(false);
    expect(zips.get(1)).toMatchObject({ status: 'processing' });
  });
});
