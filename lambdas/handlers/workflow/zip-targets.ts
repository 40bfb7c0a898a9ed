import { uniformPartSize } from '../../adapters/multipart-sink';
import type { JobStore } from '../../adapters/job-store';
import { BucketUnavailableError } from '../../core/buckets/storage-errors';
import type { Bin, Job } from '../../core/jobs/model';
import { zipSizeBound } from '../../core/jobs/zip-bound';
import type { ZipRef } from '../../usecases/build-zip';
import type { tenantBucketDeps } from '../tenant-buckets';
import type { ZipTarget, ZipTargets } from './zip-sinks';

/** R2 takes two or three part uploads of one upload at a time; S3 takes many. */
const R2_PARALLEL_PARTS = 2;

/**
 * BuildZip's sink for a ZIP bound for a tenant's bucket: that bucket's client,
 * the key Prepare gave the ZIP, and parts all of one size (R2's rule, which S3
 * accepts too), large enough for the bin's largest possible ZIP.
 */
export function tenantZipTargets(store: JobStore, tenant: ReturnType<typeof tenantBucketDeps>): ZipTargets {
  return async (job: Job, ref: ZipRef, bin: Bin): Promise<ZipTarget | undefined> => {
    if (!job.destination) return undefined;
    const zip = (await store.listZips(job.id)).find((z) => z.sequence === ref.sequence);
    const location = zip?.location;
    if (!location) throw new Error(`zip ${ref.zip_id} of job ${job.id} has no location`);
    const bucket = await tenant.buckets.get(job.tenant_id, location.bucket_name);
    if (!bucket) throw new BucketUnavailableError(`bucket "${location.bucket_name}" is no longer configured`);
    return {
      s3: await tenant.clients.open(bucket),
      bucket: location.bucket,
      key: location.key,
      sink: { uniformPartSize: uniformPartSize(zipSizeBound(bin)), ...(bucket.service === 'r2' && { queueSize: R2_PARALLEL_PARTS }) },
    };
  };
}
