/**
 * The one-off backfill of unfinished jobs' markers: every unfinished job
 * without a marker gets one, once, over as many runs as the budget needs; a
 * marker already there is kept; ended jobs get none; once done, a run reads
 * nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JobStatus } from '../../lambdas/core/jobs/model';
import type { UnfinishedBackfill } from '../../lambdas/adapters/unfinished-backfill';
import { backfillUnfinished } from '../../lambdas/usecases/backfill-unfinished';

const STATUSES: JobStatus[] = ['preparing', 'pending', 'processing', 'completed', 'failed'];

/** A table of job records read `pageSize` at a time, its progress item, and the markers. */
function table(jobs: readonly { id: string; status: JobStatus }[], pageSize: number, marks: Map<string, string>) {
  let saved: { done: boolean; position?: string } = { done: false };
  let pagesRead = 0;
  const backfill: UnfinishedBackfill = {
    progress: async () => saved,
    async page(position) {
      pagesRead++;
      const from = position === undefined ? 0 : Number(position);
      const next = from + pageSize < jobs.length ? String(from + pageSize) : undefined;
      return { jobs: jobs.slice(from, from + pageSize), ...(next !== undefined && { next }) };
    },
    save: async (position, done) => void (saved = { done, ...(position !== undefined && { position }) }),
  };
  const unfinished = { markIfAbsent: async (id: string, since: string) => !marks.has(id) && Boolean(marks.set(id, since)) };
  return { backfill, unfinished, pagesRead: () => pagesRead };
}

describe('backfillUnfinished', () => {
  it('marks exactly the unfinished jobs that had no marker, keeps the others, across runs cut short by the budget', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ status: fc.constantFrom(...STATUSES), marked: fc.boolean() }), { maxLength: 30 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 4 }),
        async (records, pageSize, pagesPerRun) => {
          const jobs = records.map((r, i) => ({ id: `job-${i}`, status: r.status }));
          const marks = new Map(records.flatMap((r, i) => (r.marked ? [[`job-${i}`, 'earlier'] as const] : [])));
          const t = table(jobs, pageSize, marks);
          // Each run may read `pagesPerRun` pages before its budget is spent.
          let clock = 0;
          const deps = { ...t, now: () => new Date(clock++) };
          let runs = 0;
          let marked = 0;
          for (;;) {
            runs++;
            const result = await backfillUnfinished(deps, { stopAt: clock + 2 * pagesPerRun });
            marked += result.marked;
            if (result.done) break;
            expect(runs).toBeLessThan(100);
          }
          const expected = records.filter((r, i) => !r.marked && !['completed', 'failed'].includes(jobs[i]!.status)).length;
          expect(marked).toBe(expected);
          records.forEach((r, i) => {
            const unfinished = !['completed', 'failed'].includes(r.status);
            if (r.marked) expect(marks.get(`job-${i}`)).toBe('earlier');
            else expect(marks.has(`job-${i}`)).toBe(unfinished);
          });
          // Every page read once, and nothing more once done.
          expect(t.pagesRead()).toBe(Math.max(1, Math.ceil(jobs.length / pageSize)));
          expect(await backfillUnfinished(deps, { stopAt: Infinity })).toEqual({ marked: 0, done: true });
          expect(t.pagesRead()).toBe(Math.max(1, Math.ceil(jobs.length / pageSize)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('marks a job as of the backfill, so the grace period runs from it', async () => {
    const marks = new Map<string, string>();
    const t = table([{ id: 'old', status: 'processing' }], 10, marks);
    await backfillUnfinished({ ...t, now: () => new Date('2026-12-02T08:00:00.000Z') }, { stopAt: Infinity });
    expect(marks.get('old')).toBe('2026-12-02T08:00:00.000Z');
  });
});
