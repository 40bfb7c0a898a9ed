import type { Context } from 'aws-lambda';
import { s3Client } from '../../adapters/aws-clients';
import { loadEnv } from '../../env';
import { functionEnv } from '../../function-env';
import { budgetFromRemaining } from '../../usecases/budget';
import { BUILD_ZIP_MARGIN_MS, buildZip, type BuildZipDeps } from '../../usecases/build-zip';
import { sourceFetchOptions, storageDeps } from '../deps';
import { entrySources } from '../../adapters/entry-sources';
import { objectSourceOpener } from '../../adapters/object-source';
import { tenantBucketDeps, tenantBucketResolver } from '../tenant-buckets';
import { jobInput, zipRef } from './deps';
import { multipartZipSinks } from './zip-sinks';
import { tenantZipTargets } from './zip-targets';
import { invocation } from '../invocation';

const env = loadEnv(functionEnv.BuildZip);
const storage = storageDeps(env);
const tenantBuckets = tenantBucketDeps(env);
const deps: BuildZipDeps = {
  ...storage,
  sinks: multipartZipSinks({ s3: s3Client(), bucket: env.BUCKET_NAME }, tenantZipTargets(storage.store, tenantBuckets)),
  // Stored objects (`s3://` entries) are read from the tenant's own buckets.
  sources: entrySources(sourceFetchOptions(env), objectSourceOpener(tenantBucketResolver(tenantBuckets))),
  maxFileMs: env.SOURCE_MAX_FILE_SECONDS * 1000,
};
const input = jobInput.extend({ zip: zipRef });

export const handler = invocation(async (event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>) => {
  const { job_id, zip } = input.parse(event);
  // Stops taking new work with min(60 s, 25%) of the run left, to save a checkpoint.
  const budget = context ? budgetFromRemaining(context.getRemainingTimeInMillis(), BUILD_ZIP_MARGIN_MS) : undefined;
  const { done } = await buildZip(deps, job_id, zip, budget);
  return { job_id, zip, done };
});
