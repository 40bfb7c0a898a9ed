import { s3BlobStore, type BlobStore } from '../../lambdas/adapters/blob-store';
import { entrySources, type UrlFetchOptions } from '../../lambdas/adapters/entry-sources';
import type { JobStore } from '../../lambdas/adapters/job-store';
import type { S3Client } from '@aws-sdk/client-s3';
import { objectSourceOpener } from '../../lambdas/adapters/object-source';
import type { Bin, Job, ZipRecord } from '../../lambdas/core/jobs/model';
import { multipartZipSinks } from '../../lambdas/handlers/workflow/zip-sinks';
import type { BuildZipDeps } from '../../lambdas/usecases/build-zip';
import { memoryJobLists } from './memory-lists';
import { memoryJobStore } from './memory-stores';

/**
 * What BuildZip reads and writes besides S3, in memory: the job (a plain
 * object the test may change), its one ZIP record (updated only from an
 * expected status, as the real store does) and the bin.
 */
export function buildFakes(job: Record<string, unknown>, bin: Bin) {
  const store = memoryJobStore([job as unknown as Job]);
  const jobId = job.id as string;
  store.zipsOf(jobId).set(1, { job_id: jobId, sequence: 1, status: 'pending' } as ZipRecord);
  // Only the bin is read from the fake; checkpoints and ZIPs go to the bucket (fakeBuildDeps).
  const blobs: Pick<BlobStore, 'getJson'> = { getJson: async <T>() => bin as T };
  return { store, blobs, zips: store.zipsOf(jobId) as Map<number, ZipRecord & Record<string, unknown>> };
}

/** The fetcher's settings for sources on this machine's test servers. */
export const TEST_FETCH: UrlFetchOptions = { allowPrivateAddresses: true, connectTimeoutMs: 5000, headersTimeoutMs: 5000, idleTimeoutMs: 5000, userAgent: 'test' };

/**
 * BuildZip's deps over `fakes` and the service's bucket `bucket` on `service`:
 * the bin from the fake, checkpoints and ZIPs in the bucket, sources opened
 * with `fetch` (and `objects` for `s3://` ones).
 */
export function fakeBuildDeps(
  fakes: { store: JobStore; blobs: Pick<BlobStore, 'getJson'> },
  service: S3Client,
  bucket: string,
  sources: { fetch?: UrlFetchOptions; objects?: BuildZipDeps['sources'] } = {},
): BuildZipDeps {
  return {
    store: fakes.store,
    lists: memoryJobLists(),
    blobs: { ...s3BlobStore(service, bucket), getJson: fakes.blobs.getJson },
    now: () => new Date(),
    sinks: multipartZipSinks({ s3: service, bucket }),
    sources: entrySources(sources.fetch ?? TEST_FETCH, sources.objects),
  };
}

/**
 * BuildZip's deps over `buildFakes`, the service bucket on `service`, and
 * one configured bucket of tenant `acme` named "media", stored at
 * `tenantBucket` and reached through `tenantClient`.
 */
export function objectBuildDeps(fakes: { store: JobStore; blobs: Pick<BlobStore, 'getJson'> }, service: S3Client, tenantClient: S3Client, tenantBucket: string): BuildZipDeps {
  return fakeBuildDeps(fakes, service, 'service', {
    objects: objectSourceOpener(async (tenant, name) => (tenant === 'acme' && name === 'media' ? { client: tenantClient, bucket: tenantBucket } : undefined)),
  });
}
