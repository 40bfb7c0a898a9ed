import type { Context } from 'aws-lambda';
import { dynamoClient, sfnClient } from '../../adapters/aws-clients';
import { sfnExecutionLookup } from '../../adapters/executions';
import { log } from '../../adapters/log';
import { dynamoUnfinishedJobs } from '../../adapters/unfinished-jobs';
import { loadEnv } from '../../env';
import { functionEnv } from '../../function-env';
import { dynamoUnfinishedBackfill } from '../../adapters/unfinished-backfill';
import { backfillUnfinished } from '../../usecases/backfill-unfinished';
import { budgetFromRemaining } from '../../usecases/budget';
import { sweepJobs } from '../../usecases/sweep-jobs';
import { invocation } from '../invocation';
import { workflowEndedDeps } from './deps';

const env = loadEnv(functionEnv.SweepJobs);
const deps = {
  ...workflowEndedDeps(env),
  unfinished: dynamoUnfinishedJobs(dynamoClient(), env.TABLE_NAME),
  executions: sfnExecutionLookup(sfnClient(), env.STATE_MACHINE_ARN),
  graceMs: env.SWEEP_GRACE_SECONDS * 1000,
  backfill: dynamoUnfinishedBackfill(dynamoClient(), env.TABLE_NAME),
};

/** Keeps up to 30 s of the run for the job in hand when the budget runs out. */
const SWEEP_MARGIN_MS = 30_000;

/**
 * Target of the stack's schedule (every 15 minutes): ends unfinished jobs
 * whose execution is no longer running. What a run leaves (its budget
 * spent) the next one carries on; a fault throws, and the scheduled event is
 * retried, then kept in the sweeper's failure queue.
 */
export const handler = invocation(async (_event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>) => {
  const budget = budgetFromRemaining(context?.getRemainingTimeInMillis() ?? 60_000, SWEEP_MARGIN_MS);
  // Once per deployment, over as many sweeps as it takes: markers for jobs left unfinished by a version without them.
  const backfilled = await backfillUnfinished(deps, budget);
  if (backfilled.marked > 0 || !backfilled.done) log.info('backfilled markers of unfinished jobs', backfilled);
  const report = await sweepJobs(deps, budget);
  const { ended, ...counts } = report;
  if (ended.length > 0 || report.errors > 0 || !report.complete) log.info('sweep', { ...counts, ended: ended.length });
  return { ...counts, ended: ended.length };
});
