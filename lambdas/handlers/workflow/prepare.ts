import type { Context } from 'aws-lambda';
import { probe, type ProbeOptions } from '../../core/fetch';
import type { Job } from '../../core/jobs/model';
import { parsePlans, planNamed } from '../../core/plans';
import { loadEnv } from '../../env';
import { budgetFromRemaining } from '../../usecases/budget';
import { PREPARE_MARGIN_MS, prepare } from '../../usecases/workflow';
import { jobInput, sourceRequestOptions, storageDeps } from './deps';

const probeOptions: ProbeOptions = sourceRequestOptions();
const plans = parsePlans(loadEnv(['PLANS']).PLANS);
const deps = { ...storageDeps(), probe: (url: string) => probe(url, probeOptions), planOf: (job: Job) => planNamed(job.plan ?? '', plans) };

export const handler = async (event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>) => {
  // Stops starting probes with min(120 s, 25%) of the run left, to save the outcomes so far.
  const budget = context ? budgetFromRemaining(context.getRemainingTimeInMillis(), PREPARE_MARGIN_MS) : undefined;
  return prepare(deps, jobInput.parse(event).job_id, budget);
};
