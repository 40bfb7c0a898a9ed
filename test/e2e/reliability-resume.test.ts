/**
 * BuildZip under a tiny Lambda time budget: it must checkpoint, return
 * `{done: false}`, be called again by the state machine, resume (mid-file for
 * a STORE entry, with Range + If-Range) and produce the very same archive as
 * a build that ran in one go.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkWithUnzip, readZipWithYauzl } from '../support/zip-readers';
import { FaultServer } from './support/fault-server';
import { LocalApi } from './support/local-api';

const sources = new FaultServer();
// Read by the local stack at every invocation: changed between the two builds.
const timeouts: { BuildZip?: number } = {};
let api: LocalApi;
const logLines: string[] = [];

beforeAll(async () => {
  await sources.start();
  api = await LocalApi.start({ lambdaTimeoutsMs: timeouts });
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

afterAll(async () => {
  vi.restoreAllMocks();
  await api?.stop();
  await sources.stop();
});

const runsOf = (jobId: string) => {
  const mine = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.job_id === jobId);
  return { paused: mine.filter((l) => l.message === 'BuildZip paused'), done: mine.filter((l) => l.message === 'BuildZip done') };
};

describe('resumable BuildZip', () => {
  it('builds byte-identical ZIPs in one run and across several timed-out runs', async () => {
    const MiB = 1024 * 1024;
    const lastModified = 'Wed, 21 Oct 2026 07:28:00 GMT';
    const big = randomBytes(24 * MiB + 12345);
    const small = Array.from({ length: 6 }, (_, i) => Buffer.from(`small file ${i}\n`.repeat(2000 + i * 500)));
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
    timeouts.BuildZip = 1500;
    const resumed = await build('slow', true);
    delete timeouts.BuildZip;

    const onceRuns = runsOf(once.job.id);
    const resumedRuns = runsOf(resumed.job.id);
    expect(onceRuns.paused).toHaveLength(0);
    expect(resumedRuns.paused.length).toBeGreaterThanOrEqual(2); // the big file alone streams for ~4 s of 1.1 s runs
    expect(resumedRuns.paused.some((l) => l.mid_entry === true)).toBe(true);
    expect(resumedRuns.done[0]!.runs).toBe(resumedRuns.paused.length + 1);
    console.info(`forced-resume build: ${resumedRuns.done[0]!.runs} BuildZip invocations`);

    // Mid-file resumes asked for the rest of the big file with If-Range.
    const bigRanges = sources.requestsFor('/slow/big.jpg').filter((r) => r.range);
    expect(bigRanges.length).toBeGreaterThanOrEqual(1);
    expect(bigRanges.every((r) => r.ifRange === '"big-v1"')).toBe(true);

    expect(resumed.bytes.length).toBe(once.bytes.length);
    expect(resumed.bytes.equals(once.bytes)).toBe(true);
    const entries = await readZipWithYauzl(resumed.bytes);
    expect(entries.map((e) => e.name)).toEqual(['notes.txt', 'notes (1).txt', 'photos/big.jpg', 'NOTES (2).txt', 'more/s1.txt', 'NOTES (3).txt', 'more/s3.txt']);
    expect(entries[2]!.data.equals(big)).toBe(true);
    const path = join(mkdtempSync(join(tmpdir(), 'zipjobs-resume-')), 'same.zip');
    writeFileSync(path, resumed.bytes);
    await checkWithUnzip(path);
  }, 180_000);
});
