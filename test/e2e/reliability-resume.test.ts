/**
 * BuildZip under a tiny Lambda time budget: it must checkpoint, return
 * `{done: false}`, be called again by the state machine, resume mid-file
 * (STORE and DEFLATE entries, with Range + If-Range) and produce an archive
 * with the very same entries as a build that ran in one go.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkWithPython, checkWithUnzip, readZipWithYauzl } from '../support/zip-readers';
import { FaultServer } from './support/fault-server';
import { useLocalApi } from './support/use-local-api';

const sources = new FaultServer();
// Read by the local stack at every invocation: changed between the two builds.
const timeouts: { BuildZip?: number } = {};
const api = useLocalApi(sources, { lambdaTimeoutsMs: timeouts });
const logLines: string[] = [];

beforeAll(() => {
  process.env.ZIPJOBS_QUIET = 'false';
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
    const text = String(chunk);
    if (text.includes('"BuildZip ')) {
      logLines.push(text);
      return true;
    }
    if (text.startsWith('{"level"')) return true; // other handlers' logs
    return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write);
});

afterAll(() => {
  vi.restoreAllMocks();
});

const runsOf = (jobId: string) => {
  const mine = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.job_id === jobId);
  return { paused: mine.filter((l) => l.message === 'BuildZip paused'), done: mine.filter((l) => l.message === 'BuildZip done') };
};

describe('resumable BuildZip', () => {
  it('builds the same ZIP in one run and across several timed-out runs, pausing STORE and DEFLATE entries mid-file', async () => {
    const MiB = 1024 * 1024;
    const lastModified = 'Wed, 21 Oct 2026 07:28:00 GMT';
    const big = randomBytes(24 * MiB + 12345);
    const small = Array.from({ length: 6 }, (_, i) => Buffer.from(`small file ${i}\n`.repeat(2000 + i * 500)));
    // Streams for ≥ 1.9 s (192 chunks, 10 ms apart): longer than any run's budget, so it pauses
    // mid-DEFLATE (allowed once per MiB of input: ~160 ms of this source).
    const log = Buffer.from(Array.from({ length: 330_000 }, (_, i) => `2026-11-23T10:${String(i % 60).padStart(2, '0')}:00Z GET /item/${(i * 7919) % 100_003} 200\n`).join('').slice(0, 12 * MiB));
    const files = (tag: string, slow: boolean) => [
      { url: sources.set(`/${tag}/a.txt`, { body: small[0]!, lastModified, ...(slow && { delayMs: 150 }) }), filename: 'notes.txt' },
      { url: sources.set(`/${tag}/b.txt`, { body: small[1]!, lastModified, ...(slow && { delayMs: 150 }) }), filename: 'notes.txt' },
      {
        url: sources.set(`/${tag}/big.jpg`, {
          body: big,
          lastModified,
          etag: '"big-v1"',
          chunkSize: 256 * 1024,
          ...(slow && { delayMs: 40 }),
        }),
        filename: 'photos/big.jpg',
      },
      {
        url: sources.set(`/${tag}/app.log`, { body: log, lastModified, etag: '"log-v1"', chunkSize: 64 * 1024, ...(slow && { delayMs: 10 }) }),
        filename: 'logs/app.log',
      },
      ...small.slice(2).map((body, i) => ({
        url: sources.set(`/${tag}/s${i}.txt`, { body, lastModified, ...(slow && { delayMs: 150 }) }),
        filename: i % 2 === 0 ? 'NOTES.txt' : `more/s${i}.txt`,
      })),
    ];

    const build = async (tag: string, slow: boolean) => {
      const created = await api.request('POST', '/jobs', { body: { files: files(tag, slow), zip_filename: 'same' } });
      expect(created.status).toBe(201);
      const job = await api.waitForJob(created.body.job_id, ['completed', 'failed'], 120_000);
      expect(job.status).toBe('completed');
      expect(job.errors).toEqual([]);
      const { bytes } = await api.download(job.download_url);
      return { job, bytes };
    };

    const once = await build('fast', false);
    timeouts.BuildZip = 2000;
    const resumed = await build('slow', true);
    delete timeouts.BuildZip;

    const onceRuns = runsOf(once.job.id);
    const resumedRuns = runsOf(resumed.job.id);
    expect(onceRuns.paused).toHaveLength(0);
    expect(resumedRuns.paused.length).toBeGreaterThanOrEqual(2); // the big file alone streams for ~4 s of 1.5 s runs
    expect(resumedRuns.paused.some((l) => l.mid_entry === true && l.paused_entry === 2)).toBe(true); // in big.jpg (STORE)
    expect(resumedRuns.paused.some((l) => l.mid_entry === true && l.paused_entry === 3)).toBe(true); // in app.log (DEFLATE)
    expect(resumedRuns.done[0]!.runs).toBe(resumedRuns.paused.length + 1);
    console.info(`forced-resume build: ${resumedRuns.done[0]!.runs} BuildZip invocations`);

    // Mid-file resumes asked for the rest of the big file with If-Range.
    const bigRanges = sources.requestsFor('/slow/big.jpg').filter((r) => r.range);
    expect(bigRanges.length).toBeGreaterThanOrEqual(1);
    expect(bigRanges.every((r) => r.ifRange === '"big-v1"')).toBe(true);
    const logRanges = sources.requestsFor('/slow/app.log').filter((r) => r.range);
    expect(logRanges.length).toBeGreaterThanOrEqual(1);
    expect(logRanges.every((r) => r.ifRange === '"log-v1"')).toBe(true);

    // The same entries, bytes and order. (Not the same archive bytes: a DEFLATE
    // entry resumed mid-file is deflated in segments, a full flush between them.)
    const entries = await readZipWithYauzl(resumed.bytes);
    const names = ['notes.txt', 'notes (1).txt', 'photos/big.jpg', 'logs/app.log', 'NOTES (2).txt', 'more/s1.txt', 'NOTES (3).txt', 'more/s3.txt'];
    expect(entries.map((e) => e.name)).toEqual(names);
    expect(entries[2]!.data.equals(big)).toBe(true);
    expect(entries[3]!.data.equals(log)).toBe(true);
    const onceEntries = await readZipWithYauzl(once.bytes);
    expect(onceEntries.map((e) => e.name)).toEqual(names);
    onceEntries.forEach((e, i) => expect(e.data.equals(entries[i]!.data), e.name).toBe(true));
    const path = join(mkdtempSync(join(tmpdir(), 'zipjobs-resume-')), 'same.zip');
    writeFileSync(path, resumed.bytes);
    await checkWithUnzip(path);
    expect((await checkWithPython(path)).map((e) => e.name)).toEqual(names);
  }, 180_000);
});
