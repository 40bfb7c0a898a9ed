import type { BlobStore } from '../../lambdas/adapters/blob-store';
import type { JobStore } from '../../lambdas/adapters/job-store';
import type { S3Client } from '@aws-sdk/client-s3';
import { objectSourceOpener } from '../../lambdas/adapters/object-source';
import type { Bin } from '../../lambdas/core/jobs/model';
import type { BuildZipDeps } from '../../lambdas/usecases/build-zip';
import { memoryJobLists } from './memory-lists';

/**
 * What BuildZip reads and writes besides S3, in memory: the job (a plain
 * object the test may change), its one ZIP record (updated only from an
 * expected status, as the real store does) and the bin.
 */
export function buildFakes(job: Record<string, unknown>, bin: Bin) {
  const zips = new Map<number, Record<string, unknown>>([[1, { status: 'pending' }]]);
  const store = {
    getJob: async () => job,
    updateZip: async (_j: string, seq: number, from: readonly string[], changes: Record<string, unknown>) => {
      const z = zips.get(seq)!;
      if (!from.includes(z.status as string)) return false;
      Object.assign(z, changes);
      return true;
    },
  } as unknown as JobStore;
  const blobs = { getJson: async () => bin } as unknown as BlobStore;
  return { store, blobs, zips };
}

/**
 * BuildZip's deps over `buildFakes`, the service bucket on `service`, and
 * one configured bucket of tenant `acme` named "media", stored at
 * `tenantBucket` and reached through `tenantClient`.
 */
export function objectBuildDeps(fakes: { store: JobStore; blobs: BlobStore }, service: S3Client, tenantClient: S3Client, tenantBucket: string): BuildZipDeps {
  return {
    store: fakes.store,
    lists: memoryJobLists(),
    blobs: fakes.blobs,
    now: () => new Date(),
    s3: service,
    bucket: 'service',
    fetch: { allowPrivateAddresses: true, connectTimeoutMs: 5000, headersTimeoutMs: 5000, idleTimeoutMs: 5000, userAgent: 'test' },
    objects: objectSourceOpener(async (tenant, name) => (tenant === 'acme' && name === 'media' ? { client: tenantClient, bucket: tenantBucket } : undefined)),
  };
}
