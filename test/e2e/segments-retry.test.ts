/**
 * A segment that fails is run again alone: a source that resets every read
 * of one small file, as many times as BuildSegment retries a read within a
 * run, fails that one invocation; the state machine runs the segment again
 * and the ZIP completes, byte for byte what BuildZip's writer writes in one
 * go. The same job without the fault is the measure: exactly one BuildZip
 * invocation more, so no other segment ran twice.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { MiB } from '../../lambdas/core/zip/parts';
import { ENTRY_RETRIES } from '../../lambdas/usecases/build-zip/source';
import { patternBytes } from '../support/zip-fixtures';
import { storedZipInOneGo } from '../support/zip-sinks';
import { FaultServer, type FaultRequest } from './support/fault-server';
import { useLocalApi } from './support/use-local-api';

// Read by the BuildZip handler at its first load: three segments of 5 MiB parts for ~17 MiB.
Object.assign(process.env, { SEGMENT_MIN_BYTES: String(5 * MiB), SEGMENT_PART_BYTES: String(5 * MiB), MAX_SEGMENTS: '4' });
afterAll(() => {
  for (const name of ['SEGMENT_MIN_BYTES', 'SEGMENT_PART_BYTES', 'MAX_SEGMENTS']) delete process.env[name];
});

const LAST_MODIFIED = 'Tue, 01 Sep 2026 10:00:00 GMT';
// The small file lies inside one segment (well away from a 5 MiB part boundary).
const SIZES = [6 * MiB, 64 * 1024, 6 * MiB + 3, 5 * MiB];
const FLAKY = 1;
const files = SIZES.map((size, i) => ({ name: `part-${i}.bin`, body: patternBytes(i + 301, size) }));
const sources = new FaultServer();
/** A segment's read: as the version probed (If-Range with a range, If-Match for a whole file); the probe sends neither. */
const pinnedRead = (r: FaultRequest): boolean => r.ifRange !== undefined || r.ifMatch !== undefined;
const api = useLocalApi(sources);

const builtInOneGo = () => storedZipInOneGo(files, new Date(LAST_MODIFIED));

/** Runs the job over `dir`'s copies of the files; the BuildZip invocations it took and its download. */
async function run(dir: string, flaky: boolean): Promise<{ buildZipCalls: number; bytes: Buffer }> {
  const urls = files.map((f, i) =>
    sources.set(`/${dir}/${f.name}`, {
      body: f.body,
      etag: `"e${i}"`,
      lastModified: LAST_MODIFIED,
      // Every read of the file within one run of its segment is reset before a byte arrives; the probe is not touched.
      ...(flaky && i === FLAKY && { resetAfter: { bytes: 0, count: ENTRY_RETRIES + 1, when: pinnedRead } }),
    }),
  );
  const before = api.stack.usage.counts().invocations.BuildZip ?? 0;
  const created = await api.request('POST', '/jobs', { body: { files: urls.map((url) => ({ url })), compression: 'store', max_zip_size_bytes: 500_000_000_000 } });
  expect(created.status).toBe(201);
  const job = await api.waitForJob(created.body.job_id, ['completed', 'failed'], 120_000);
  expect(job).toMatchObject({ status: 'completed', zip_count: 1, file_count: files.length, errors: [] });
  const buildZipCalls = (api.stack.usage.counts().invocations.BuildZip ?? 0) - before;
  return { buildZipCalls, bytes: (await api.download(job.zips[0].download_url)).bytes };
}

describe('a segment that fails', () => {
  it('is run again alone, and the ZIP is the archive built in one go', async () => {
    const expected = await builtInOneGo();
    const clean = await run('clean', false);
    expect(clean.bytes.equals(expected)).toBe(true);
    // PlanZip, FinishSegments and at least two segments.
    expect(clean.buildZipCalls).toBeGreaterThanOrEqual(4);

    const flaky = await run('flaky', true);
    expect(flaky.bytes.equals(expected)).toBe(true);
    expect(flaky.buildZipCalls).toBe(clean.buildZipCalls + 1);
    const reads = sources.requestsFor(`/flaky/${files[FLAKY]!.name}`).filter(pinnedRead);
    // One failed run's reads (each reset), then the second run's one read.
    expect(reads).toHaveLength(ENTRY_RETRIES + 2);
  });
});
