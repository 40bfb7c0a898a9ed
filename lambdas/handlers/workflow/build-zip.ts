import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { s3Client } from '../../adapters/aws-clients';
import { loadEnv } from '../../env';
import { functionEnv } from '../../function-env';
import { budgetFromRemaining } from '../../usecases/budget';
import { BUILD_ZIP_MARGIN_MS, buildZip, type BuildZipDeps } from '../../usecases/build-zip';
import { buildSegment } from '../../usecases/build-zip/segment-build';
import { finishSegments } from '../../usecases/build-zip/segment-finish';
import { planZip } from '../../usecases/build-zip/segment-plan';
import { sourceFetchOptions, storageDeps } from '../deps';
import { entrySources } from '../../adapters/entry-sources';
import { objectSourceChecker, objectSourceOpener } from '../../adapters/object-source';
import { tenantBucketDeps, tenantBucketResolver } from '../tenant-buckets';
import { jobInput, zipRef } from './deps';
import { multipartZipSinks } from './zip-sinks';
import { tenantZipTargets } from './zip-targets';
import { invocation } from '../invocation';

const env = loadEnv(functionEnv.BuildZip);
const storage = storageDeps(env);
const tenantBuckets = tenantBucketDeps(env);
const resolver = tenantBucketResolver(tenantBuckets);
const fetch = sourceFetchOptions(env);
const deps: BuildZipDeps = {
  ...storage,
  sinks: multipartZipSinks({ s3: s3Client(), bucket: env.BUCKET_NAME }, tenantZipTargets(storage.store, tenantBuckets)),
  // Stored objects (`s3://` entries) are read from the tenant's own buckets.
  sources: entrySources(fetch, objectSourceOpener(resolver)),
  maxFileMs: env.SOURCE_MAX_FILE_SECONDS * 1000,
};
// A ZIP built in segments reads its sources as pinned at prepare time, as stream downloads do.
const segmentDeps = {
  ...deps,
  fetch,
  objects: { open: objectSourceOpener(resolver), check: objectSourceChecker(resolver) },
  segments: { partSize: env.SEGMENT_PART_BYTES, minSegmentBytes: env.SEGMENT_MIN_BYTES, maxSegments: env.MAX_SEGMENTS },
};
/** No `step`: build the ZIP as one. `plan`, `segment` and `finish`: its build in segments (see the state machine). */
const input = jobInput.extend({ zip: zipRef, step: z.enum(['plan', 'segment', 'finish']).optional(), segment: z.number().int().min(0).optional() });

export const handler = invocation(async (event: unknown, context?: Pick<Context, 'getRemainingTimeInMillis'>) => {
  const { job_id, zip, step, segment } = input.parse(event);
  // Stops taking new work with min(60 s, 25%) of the run left, to save a checkpoint.
  const budget = context ? budgetFromRemaining(context.getRemainingTimeInMillis(), BUILD_ZIP_MARGIN_MS) : undefined;
  if (step === 'plan') return planZip(segmentDeps, job_id, zip);
  if (step === 'finish') return finishSegments(segmentDeps, job_id, zip);
  if (step === 'segment') {
    if (segment === undefined) throw new TypeError('a segment step needs its segment');
    const { done } = await buildSegment(segmentDeps, job_id, zip, segment, budget);
    return { job_id, zip, step, segment, done };
  }
  const { done } = await buildZip(deps, job_id, zip, budget);
  return { job_id, zip, done };
});
