import type { UnfinishedBackfill } from '../adapters/unfinished-backfill';
import type { UnfinishedJobs } from '../adapters/unfinished-jobs';
import { isTerminal } from '../core/jobs/model';
import type { RunBudget } from './budget';

export interface BackfillDeps {
  readonly backfill: UnfinishedBackfill;
  readonly unfinished: Pick<UnfinishedJobs, 'markIfAbsent'>;
  readonly now: () => Date;
}

/**
 * Markers of unfinished jobs exist for jobs created or retried since the
 * sweeper came; a deployment upgraded from an older version has unfinished
 * jobs without one, which the sweeper would never see. The sweeper therefore
 * reads the table once (a paged scan, resumed across runs within `budget`)
 * and marks every unfinished job that has no marker, as of now: the grace
 * period then runs from the backfill, and a job whose execution still runs
 * is left alone as any other. A marker already there is kept (its run's time).
 */
export async function backfillUnfinished(deps: BackfillDeps, budget: RunBudget): Promise<{ readonly marked: number; readonly done: boolean }> {
  const start = await deps.backfill.progress();
  if (start.done) return { marked: 0, done: true };
  let position = start.position;
  let marked = 0;
  for (;;) {
    if (deps.now().getTime() >= budget.stopAt) return { marked, done: false };
    const { jobs, next } = await deps.backfill.page(position);
    const since = deps.now().toISOString();
    for (const job of jobs) {
      if (isTerminal(job.status)) continue;
      if (await deps.unfinished.markIfAbsent(job.id, since)) marked++;
    }
    position = next;
    await deps.backfill.save(position, position === undefined);
    if (position === undefined) return { marked, done: true };
  }
}
