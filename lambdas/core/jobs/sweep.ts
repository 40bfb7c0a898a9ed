import { JOB_FAILURES } from './failure-messages';
import { isTerminal, type JobStatus } from './model';

/**
 * How a job's run ended without finishing it, as the one who ends the job
 * learns it: Step Functions' own end states (reported by EventBridge, or found
 * by the sweeper) and `MISSING`, an execution that does not exist (never
 * started, or deleted).
 */
export type EndedStatus = 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'MISSING';

/** The error an unfinished job is failed with, by how its run ended. */
export const ENDED_MESSAGES: Readonly<Record<EndedStatus, string>> = {
  FAILED: JOB_FAILURES.internal,
  TIMED_OUT: JOB_FAILURES.timeout,
  ABORTED: JOB_FAILURES.stopped,
  MISSING: JOB_FAILURES.lost,
};

/** What DescribeExecution says of a run's execution; `MISSING` when there is none. */
export type ExecutionState = 'RUNNING' | 'PENDING_REDRIVE' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'MISSING';

/**
 * The sweeper's first look at a job it has marked unfinished since `since`
 * (when its current run was created or retried):
 * - `forget`: the job is gone or has ended; its mark is stale;
 * - `wait`: the run is younger than the grace period (its execution may not
 *   be started or visible yet);
 * - `look`: old enough to ask Step Functions whether its execution still runs.
 */
export function sweepStep(job: { readonly status: JobStatus } | undefined, since: string, now: Date, graceMs: number): 'forget' | 'wait' | 'look' {
  if (!job || isTerminal(job.status)) return 'forget';
  const age = now.getTime() - Date.parse(since);
  // An unreadable time is treated as young: the sweeper never ends a job on a guess.
  return Number.isFinite(age) && age >= graceMs ? 'look' : 'wait';
}

/**
 * How an unfinished job's run ended, from its execution's state; null while
 * it runs (or waits for a redrive). An execution that succeeded without
 * ending its job ended it no better than a failed one.
 */
export function endingOf(execution: ExecutionState): EndedStatus | null {
  switch (execution) {
    case 'RUNNING':
    case 'PENDING_REDRIVE':
      return null;
    case 'SUCCEEDED':
      return 'FAILED';
    default:
      return execution;
  }
}
