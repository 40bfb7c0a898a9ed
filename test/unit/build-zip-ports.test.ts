/**
 * BuildZip over ports it has never seen: a source and a sink written here,
 * in memory, wired in as a handler wires the real ones. The build pauses
 * mid-file at its budget, checkpoints, and the next run resumes (ranged) to
 * a whole archive, which an independent reader accepts.
 */
process.env.ZIPJOBS_QUIET = 'true';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Bin, Job, ZipRecord } from '../../lambdas/core/jobs/model';
import type { SourceOpener } from '../../lambdas/core/sources';
import { buildZip, type ZipSinks } from '../../lambdas/usecases/build-zip';
import { memoryBlobStore } from '../support/memory-blobs';
import { memoryJobLists } from '../support/memory-lists';
import { memoryJobStore } from '../support/memory-stores';
import { readZipWithYauzl } from '../support/zip-readers';

/** Sources by URL, served from memory in 64 KiB chunks, resumable from any byte. */
function memorySources(files: Map<string, Buffer>, opened: string[]): SourceOpener {
  return async (source, req) => {
    opened.push(`${source.url} from ${req.rangeStart ?? 0}`);
    const body = files.get(source.url)!;
    const from = req.rangeStart ?? 0;
    const rest = body.subarray(from);
    const chunks = Array.from({ length: Math.ceil(rest.length / 65_536) }, (_, i) => rest.subarray(i * 65_536, (i + 1) * 65_536));
    return { url: source.url, status: from ? 206 : 200, contentLength: rest.length, totalSize: body.length, acceptsRanges: true, etag: '"v1"', body: Readable.from(chunks) };
  };
}

/** ZIPs kept in memory: the whole archive so far is the sink's saved state. */
function memorySinks(done: Map<string, Buffer>): ZipSinks {
  return {
    async open(job, ref, _bin, { resume }) {
      const chunks: Buffer[] = resume?.saved ? [Buffer.from(resume.saved.data)] : [];
      return {
        write: async (chunk) => void chunks.push(Buffer.from(chunk)),
        exportState: async () => ({ state: { parts: [] }, data: Buffer.concat(chunks) }),
        complete: async () => {
          const zip = Buffer.concat(chunks);
          done.set(`${job.id}/${ref.zip_id}`, zip);
          return zip.length;
        },
        settle: async () => undefined,
        abort: async () => undefined,
      };
    },
    abandon: async () => undefined,
  };
}

describe('BuildZip over a source and a sink of its caller', () => {
  it('pauses mid-file, resumes with a range, and completes the archive', async () => {
    const files = new Map([
      ['mem://a', randomBytes(300_000)],
      ['mem://b', randomBytes(500_000)],
    ]);
    const bin: Bin = { zip_id: 'z1', sequence: 1, filename: 'out.zip', entries: [...files.keys()].map((url, index) => ({ index, url, filename: `${index}.bin` })) };
    const job = { id: 'job-p', tenant_id: 't', run: 1, status: 'processing', created_at: '2026-01-01T00:00:00.000Z', options: { compression: 'store', fail_on_url_error: true, max_zip_size_bytes: null, allow_oversize_zips: false } } as unknown as Job;
    const store = memoryJobStore([job]);
    store.zipsOf(job.id).set(1, { job_id: job.id, id: 'z1', sequence: 1, status: 'pending' } as ZipRecord);
    const objects = new Map<string, unknown>([['bins/p', bin]]);
    const opened: string[] = [];
    const done = new Map<string, Buffer>();
    const deps = { store, lists: memoryJobLists(), blobs: memoryBlobStore(objects), now: () => new Date(), sources: memorySources(files, opened), sinks: memorySinks(done) };
    const ref = { zip_id: 'z1', sequence: 1, bin_key: 'bins/p' };

    // Out of time once the second file is being read.
    const first = await buildZip(deps, job.id, ref, { get stopAt() { return opened.some((o) => o.startsWith('mem://b')) ? 0 : Number.POSITIVE_INFINITY; } });
    expect(first).toEqual({ done: false });
    expect([...objects.keys()].some((k) => k.startsWith('checkpoints/'))).toBe(true);

    expect(await buildZip(deps, job.id, ref)).toEqual({ done: true });
    expect(opened.slice(0, 2)).toEqual(['mem://a from 0', 'mem://b from 0']);
    expect(opened[2]).toMatch(/^mem:\/\/b from [1-9]\d*$/); // the rest of b, not b again
    expect(store.zipsOf(job.id).get(1)).toMatchObject({ status: 'completed', file_count: 2 });
    expect([...objects.keys()].filter((k) => k.startsWith('checkpoints/'))).toEqual([]);
    const entries = await readZipWithYauzl(done.get('job-p/z1')!);
    expect(entries.map((e) => [e.name, e.data.equals(files.get(`mem://${e.name === '0.bin' ? 'a' : 'b'}`)!)])).toEqual([
      ['0.bin', true],
      ['1.bin', true],
    ]);
  });
});
