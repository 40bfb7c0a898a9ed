/**
 * The Prepare use case across runs, with the in-memory job store and bucket:
 * probing a split job that outlasts its budget saves the outcomes so far and
 * returns `{done: false}`; the next runs probe only what is left, and the
 * bins come out as one uninterrupted run would pack them.
 */
process.env.ZIPJOBS_QUIET = 'true';
import { describe, expect, it } from 'vitest';
import { FetchError, type ProbeResult } from '../../lambdas/core/fetch';
import { objectKeys, type Bin, type Job, type ZipRecord } from '../../lambdas/core/jobs/model';
import type { RunBudget } from '../../lambdas/usecases/budget';
import { prepare, type PrepareDeps, type Prepared } from '../../lambdas/usecases/workflow/prepare';
import { memoryJobLists } from '../support/memory-lists';
import { memoryBlobStore } from '../support/memory-blobs';
import { exampleJob } from '../support/job-fixture';
import { memoryJobStore } from '../support/memory-stores';

const MiB = 1024 * 1024;
const FILES = 100;
const sizeOf = (i: number) => ((i * 7919) % 13) * MiB + 1000 + i;

function setup(options: { maxZipSize: number | null; probeMs?: number; failing?: (i: number) => boolean }) {
  const objects = new Map<string, unknown>();
  const files = Array.from({ length: FILES }, (_, i) => ({ url: `https://files.example/${i}`, filename: `file-${i}.bin` }));
  objects.set('manifests/j1.json', { files });
  const job = exampleJob({
    id: 'j1',
    tenant_id: 't1',
    status: 'preparing',
    options: { max_zip_size_bytes: options.maxZipSize, split_strategy: 'preserve-order', allow_oversize_zips: false, compression: 'store', zip_filename: null } as Job['options'],
    url_count: FILES,
    created_at: '2026-11-23T10:00:00.000Z',
    manifest_key: 'manifests/j1.json',
  });
  // The store holds `job` itself: its transitions show in it.
  const store = memoryJobStore([job]);
  const blobs = memoryBlobStore(objects);
  const probed = new Map<string, number>();
  const probe = async (url: string): Promise<ProbeResult> => {
    probed.set(url, (probed.get(url) ?? 0) + 1);
    await new Promise((r) => setTimeout(r, options.probeMs ?? 0));
    const i = Number(url.slice(url.lastIndexOf('/') + 1));
    if (options.failing?.(i)) throw FetchError.http(404);
    return { size: sizeOf(i), acceptsRanges: true };
  };
  const deps: PrepareDeps = { store, lists: memoryJobLists(), blobs, now: () => new Date(), probe };
  const zips = () => [...store.zipsOf('j1').values()].sort((a, b) => a.sequence - b.sequence);
  const bins = () => zips().map((z) => (objects.get(z.bin_key) as Bin).entries.map((e) => [e.index, e.size]));
  return { deps, objects, probed, bins, job: () => job };
}

/** Calls prepare with a fresh budget of `budgetMs` until it is done; returns every answer. */
async function runUntilDone(deps: PrepareDeps, budgetMs: number): Promise<Prepared[]> {
  const answers: Prepared[] = [];
  for (;;) {
    const budget: RunBudget = { stopAt: Date.now() + budgetMs };
    const answer = await prepare(deps, 'j1', budget);
    answers.push(answer);
    if (answer.done) return answers;
    if (answers.length > 50) throw new Error('prepare never finished');
  }
}

describe('resumable Prepare', () => {
  it('stops at its budget, saves the probes, and packs what one run would, probing each URL once', async () => {
    const oneRun = setup({ maxZipSize: 40 * MiB });
    const whole = await prepare(oneRun.deps, 'j1');
    expect(whole).toMatchObject({ done: true, bin_count: expect.any(Number) });

    // Each of the 32 probing workers starts at most 2 probes of ≥ 20 ms within 30 ms: ≤ 64 of the 100 per run.
    const resumed = setup({ maxZipSize: 40 * MiB, probeMs: 20 });
    const answers = await runUntilDone(resumed.deps, 30);
    expect(answers.length).toBeGreaterThanOrEqual(2);
    expect(answers.slice(0, -1).every((a) => !a.done)).toBe(true);
    expect(answers.at(-1)).toEqual(whole);
    expect(resumed.bins()).toEqual(oneRun.bins());
    expect(resumed.probed.size).toBe(FILES);
    expect([...resumed.probed.values()].every((n) => n === 1)).toBe(true);
    // The saved probes go once the bins are written; the job moved on.
    expect(resumed.objects.has(objectKeys.probes('j1', 1))).toBe(false);
    expect(resumed.job().status).toBe('processing');
  });

  it('advances even when the budget is already spent: each run probes at least one batch', async () => {
    const s = setup({ maxZipSize: 40 * MiB, probeMs: 5 });
    const answers = await runUntilDone(s.deps, -1000);
    // 32 probes start before any ends, so every run but the last probes exactly 32.
    expect(answers.length).toBe(Math.ceil(FILES / 32));
    expect(s.probed.size).toBe(FILES);
  });

  it('keeps failed probes as outcomes across runs: such a file gets a ZIP of its own, probed once', async () => {
    const failing = (i: number) => i % 10 === 3;
    const s = setup({ maxZipSize: 40 * MiB, probeMs: 10, failing });
    await runUntilDone(s.deps, 40);
    const bins = s.bins();
    for (let i = 3; i < FILES; i += 10) {
      expect(bins.find((b) => b.some(([index]) => index === i))).toEqual([[i, undefined]]);
      expect(s.probed.get(`https://files.example/${i}`)).toBe(1); // a 404 is not retryable
    }
  });

  it('needs no budget for a job without a cap: nothing is probed', async () => {
    const s = setup({ maxZipSize: null });
    expect(await prepare(s.deps, 'j1', { stopAt: 0 })).toMatchObject({ done: true, bin_count: 1 });
    expect(s.probed.size).toBe(0);
  });

  it('starts over when the saved probes do not match the manifest (another run, a changed list)', async () => {
    const s = setup({ maxZipSize: 40 * MiB });
    s.objects.set(objectKeys.probes('j1', 1), { v: 1, outcomes: [{ ok: true, size: 1 }] });
    expect(await prepare(s.deps, 'j1')).toMatchObject({ done: true });
    expect(s.probed.size).toBe(FILES);
  });
});

describe('Prepare of a retried job', () => {
  it.each([
    ['from its checkpoint', true],
    ['packed afresh', false],
  ])("drops what the previous run's builds in segments left of its unfinished ZIPs (%s)", async (_, fromCheckpoint) => {
    const s = setup({ maxZipSize: null });
    Object.assign(s.job(), { run: 2, retry_from_checkpoint: fromCheckpoint });
    const run1 = 'checkpoints/j1/zip_1/run-1/';
    const records = {
      [`${run1}segments.json`]: { v: 1, upload_id: 'u1', plan: { segments: [{ index: 0 }, { index: 1 }] } },
      [`${run1}segment-0.json`]: { v: 1, ranges: [], sink: { parts: [] }, data_key: `${run1}segment-0.a-1.bin` },
      [`${run1}segment-0.a-1.bin`]: 'held bytes',
      [`${run1}segment-1.run.json`]: { v: 1, ranges: [], sink: { parts: [] }, data_key: `${run1}segment-1.b-2.bin` },
      [`${run1}segment-1.b-2.bin`]: 'pending bytes',
    };
    for (const [key, value] of Object.entries(records)) s.objects.set(key, value);
    // A completed ZIP's records went with FinishSegments: nothing is read for it.
    s.objects.set('checkpoints/j1/zip_2/run-1/segments.json', { v: 1, upload_id: 'u2', plan: { segments: [{ index: 0 }] } });
    const zip = (sequence: number, status: string) =>
      ({ job_id: 'j1', id: `zip_${sequence}`, sequence, status, key: `zips/j1/zip_${sequence}.zip`, bin_key: `bins/j1/zip_${sequence}.json`, files_done: 0, bytes_done: 0 }) as ZipRecord;
    const zips = (s.deps.store as ReturnType<typeof memoryJobStore>).zipsOf('j1');
    zips.set(1, zip(1, 'failed'));
    zips.set(2, zip(2, 'completed'));
    s.objects.set('bins/j1/zip_1.json', { zip_id: 'zip_1', sequence: 1, filename: 'a.zip', entries: [] });
    s.objects.set('bins/j1/zip_2.json', { zip_id: 'zip_2', sequence: 2, filename: 'b.zip', entries: [] });

    expect(await prepare(s.deps, 'j1')).toMatchObject({ done: true });
    for (const key of Object.keys(records)) expect(s.objects.has(key), key).toBe(false);
    if (fromCheckpoint) expect(s.objects.has('checkpoints/j1/zip_2/run-1/segments.json')).toBe(true);
  });
});
