/**
 * A large ZIP built in segments through the local stack (small settings: 5 MiB
 * parts, eight segments): the archive is byte for byte what BuildZip's writer
 * writes for the same files in one go, every segment checkpoints (a short
 * function time, slow sources) and resumes with a range, and unzip, 7z,
 * Python's zipfile and streaming bsdtar accept it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MiB } from '../../lambdas/core/zip/parts';
import { patternBytes } from '../support/zip-fixtures';
import { checkWith7z, checkWithBsdtarStreaming, checkWithPython, checkWithUnzip } from '../support/zip-readers';
import { storedZipInOneGo } from '../support/zip-sinks';
import { FaultServer } from './support/fault-server';
import { useLocalApi } from './support/use-local-api';

// Read by the BuildZip handler at its first load.
Object.assign(process.env, { SEGMENT_MIN_BYTES: String(5 * MiB), SEGMENT_PART_BYTES: String(5 * MiB), MAX_SEGMENTS: '8' });

const LAST_MODIFIED = 'Tue, 01 Sep 2026 10:00:00 GMT';
const SIZES = [9 * MiB + 17, 0, 3000, 14 * MiB + 5, 7 * MiB, 1, 8 * MiB + 999];
const files = SIZES.map((size, i) => ({ name: `part-${i}.bin`, body: patternBytes(i + 101, size) }));
const sources = new FaultServer();
// BuildZip runs 8 s here: a segment of slow sources pauses at its budget and resumes from its checkpoint.
const api = useLocalApi(sources, { lambdaTimeoutsMs: { BuildZip: 8000 } });
const dir = mkdtempSync(join(tmpdir(), 'zipjobs-segments-'));

afterAll(() => {
  for (const name of ['SEGMENT_MIN_BYTES', 'SEGMENT_PART_BYTES', 'MAX_SEGMENTS']) delete process.env[name];
  rmSync(dir, { recursive: true, force: true });
});

const builtInOneGo = () => storedZipInOneGo(files, new Date(LAST_MODIFIED));

describe('a large ZIP built in segments', () => {
  it('is the archive built in one go, byte for byte, after every segment paused once, and every reader accepts it', async () => {
    const urls = files.map((f, i) => sources.set(`/seg/${f.name}`, { body: f.body, etag: `"e${i}"`, lastModified: LAST_MODIFIED, chunkSize: 256 * 1024, delayMs: 150 }));
    const created = await api.request('POST', '/jobs', { body: { files: urls.map((url) => ({ url })), compression: 'store', max_zip_size_bytes: 500_000_000_000 } });
    expect(created.status).toBe(201);
    // The job's progress while its segments run: each segment reports its own bytes as it goes.
    const seen: number[] = [];
    const sampling = (async () => {
      for (;;) {
        const { job: now } = (await api.request('GET', `/jobs/${created.body.job_id}`)).body;
        if (now.status === 'completed' || now.status === 'failed') return;
        if (now.status === 'processing') seen.push(now.progress.bytes_done);
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    const job = await api.waitForJob(created.body.job_id, ['completed', 'failed'], 240_000);
    await sampling;
    expect(job).toMatchObject({ status: 'completed', zip_count: 1, file_count: files.length, errors: [] });
    const total = SIZES.reduce((a, b) => a + b, 0);
    expect(job.progress.bytes_done).toBe(total);
    expect(seen.some((b) => b > 0 && b < total)).toBe(true);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    const { bytes } = await api.download(job.zips[0].download_url);
    const expected = await builtInOneGo();
    expect(bytes.length).toBe(expected.length);
    expect(bytes.equals(expected)).toBe(true);

    // Ranged reads only (each segment its own ranges), and resumed ones: more ranged GETs than segments' first reads.
    const gets = sources.requests.filter((r) => r.path.startsWith('/seg/') && r.range !== undefined);
    expect(gets.length).toBeGreaterThan(8);
    expect(gets.every((r) => r.ifMatch !== undefined || r.ifRange !== undefined)).toBe(true);
    // A range that ends inside its file: only a segment asks for one (a build in one go reads to the end).
    expect(gets.some((r) => /^bytes=0-\d+$/.test(r.range!))).toBe(true);

    const path = join(dir, 'segments.zip');
    writeFileSync(path, bytes);
    expect((await checkWithPython(path)).map((e) => [e.name, e.size])).toEqual(files.map((f) => [f.name, f.body.length]));
    await checkWithUnzip(path);
    await checkWith7z(path);
    const streamed = await checkWithBsdtarStreaming(path);
    if (!streamed.skipped) expect(streamed.dataLength).toBe(SIZES.reduce((a, b) => a + b, 0));
  });
});
