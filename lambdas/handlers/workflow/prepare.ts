import type { Context } from 'aws-lambda';
import { probe, type ProbeOptions } from '../../core/fetch';
import type { Job } from '../../core/jobs/model';
import { parsePlans, planNamed } from '../../core/plans';
import { loadEnv } from '../../env';
import { functionEnv } from '../../function-env';
import { budgetFromRemaining } from '../../usecases/budget';
import { PREPARE_MARGIN_MS, prepare } from '../../usecases/workflow/prepare';
import { dynamoClient } from '../../adapters/aws-clients';
import { s3ObjectCatalog } from '../../adapters/object-catalog';
import { dynamoObjectIdStore } from '../../adapters/object-id-store';
import { tenantBucketDeps, tenantBucketResolver } from '../tenant-buckets';
import { jobInput, sourceRequestOptions, storageDeps } from './deps';
import { invocation } from '../invocation';

const env = loadEnv(functionEnv.Prepare);
const probeOptions: ProbeOptions = sourceRequestOptions(env);
const plans = parsePlans(env.PLANS);
const openBucket = tenantBucketResolver(tenantBucketDeps(env));
const ids = dynamoObjectIdStore(dynamoClient(), env.TABLE_NAME);
const deps = {
  ...storageDeps(env),
  probe: (url: string) => probe(url, probeOptions),
  planOf: (job: Job) => planNamed(job.plan ?? '', plans),
  // Stored objects a job names are resolved in the tenant's own buckets (folders listed, versions looked up).
  objects: async (tenantId: string, bucketName: string) => {
    const access = await openBucket(tenantId, bucketName);
    return access && { catalog: s3ObjectCatalog(access), ids };
  },
};

export const handler = invocation(async (event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>) => {
  // Stops starting probes with min(120 s, 25%) of the run left, to save the outcomes so far.
  const budget = context ? budgetFromRemaining(context.getRemainingTimeInMillis(), PREPARE_MARGIN_MS) : undefined;
  return prepare(deps, jobInput.parse(event).job_id, budget);
});
