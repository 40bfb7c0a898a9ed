import type { ExecutionLookup } from '../adapters/executions';
import type { UnfinishedJobs } from '../adapters/unfinished-jobs';
import { executionNames } from '../core/jobs/model';
import { endingOf, sweepStep } from '../core/jobs/sweep';
import { log } from '../adapters/log';
import type { RunBudget } from './budget';
import { workflowEnded, type EndedOutcome, type WorkflowEndedDeps } from './workflow-ended';

export interface SweepDeps extends WorkflowEndedDeps {
  readonly unfinished: UnfinishedJobs;
  readonly executions: ExecutionLookup;
  /** A run younger than this is left alone: its execution may not be started or visible yet. */
  readonly graceMs: number;
}

export interface SweepReport {
  /** Marks looked at. */
  readonly seen: number;
  /** Jobs whose execution still runs (or is too young to ask about). */
  readonly running: number;
  /** Stale marks deleted (the job had ended or is gone). */
  readonly forgotten: number;
  /** Jobs this sweep ended, with how. */
  readonly ended: readonly { readonly job_id: string; readonly outcome: EndedOutcome }[];
  /** Jobs whose handling threw (the next sweep tries them again). */
  readonly errors: number;
  /** False when the budget ran out before every mark was seen. */
  readonly complete: boolean;
}

/**
 * The safety net under WorkflowEnded: every unfinished job whose run is past
 * the grace period and whose execution is no longer running (stopped,
 * failed, timed out, or missing altogether, as when EventBridge's event was
 * lost or the execution never started) is ended exactly as WorkflowEnded
 * ends it: failed with the reason (completed when every ZIP was built), its
 * webhook started. Its writes are WorkflowEnded's conditional ones, so the two
 * racing over one job end it once. One job's fault is logged and left to the
 * next sweep; past `budget.stopAt` no new job is looked at.
 */
export async function sweepJobs(deps: SweepDeps, budget: RunBudget): Promise<SweepReport> {
  const now = deps.now();
  const before = new Date(now.getTime() - deps.graceMs).toISOString();
  let seen = 0;
  let running = 0;
  let forgotten = 0;
  let errors = 0;
  const ended: { job_id: string; outcome: EndedOutcome }[] = [];
  for await (const mark of deps.unfinished.listBefore(before)) {
    if (deps.now().getTime() >= budget.stopAt) return { seen, running, forgotten, ended, errors, complete: false };
    seen++;
    try {
      const job = await deps.store.getJob(mark.job_id);
      const step = sweepStep(job, mark.since, now, deps.graceMs);
      if (step === 'forget') {
        // Only this mark: a retry made meanwhile has marked its own run.
        await deps.unfinished.clear(mark.job_id, mark.since);
        forgotten++;
        continue;
      }
      const name = executionNames.run(job!);
      const ending = step === 'look' ? endingOf(await deps.executions.state(name)) : null;
      if (ending === null) {
        running++;
        continue;
      }
      const outcome = await workflowEnded(deps, { job_id: job!.id, name, status: ending });
      ended.push({ job_id: job!.id, outcome });
      log.warn('sweeper ended a job whose run was over', { job_id: job!.id, execution: name, status: ending, outcome });
    } catch (error) {
      errors++;
      log.error('sweeping a job failed', { job_id: mark.job_id, error });
    }
  }
  return { seen, running, forgotten, ended, errors, complete: true };
}
