import type { BlobStore } from '../adapters/blob-store';
import type { JobStore } from '../adapters/job-store';
import { objectKeys } from '../core/jobs/model';
import { mapConcurrent } from '../core/packing';
import { checkpointObjectKeys } from './build-zip/checkpoint';
import { segmentRecordKeys } from './build-zip/segment-store';
import { STORAGE_CONCURRENCY } from './workflow';

/** Deletes objects by key; missing keys are not an error. */
export interface ObjectRemover {
  deleteObjects(keys: readonly string[]): Promise<void>;
}

/**
 * After a job expires, its stored objects go: the ZIPs (in the service's
 * bucket; a tenant's own bucket is never touched), the manifest, the bins
 * and lists and checkpoints (Prepare's probes and the records of a ZIP's
 * segments included). Every key is derived from the job and its ZIP
 * records, so nothing needs listing. The job record stays for history until
 * its own TTL. Safe to run twice.
 */
export async function deleteExpiredJobObjects(
  deps: { store: JobStore; objects: ObjectRemover; blobs: Pick<BlobStore, 'getJson' | 'findJson'>; now: () => Date },
  jobId: string,
): Promise<number> {
  const found = await deps.store.getJobWithZips(jobId);
  if (!found) return 0;
  const { job, zips } = found;
  if (Date.parse(job.expires_at) > deps.now().getTime()) return 0; // extended or not yet due
  const keys = new Set<string>([job.manifest_key]);
  for (let run = 1; run <= job.run; run++) {
    keys.add(objectKeys.binsList(job.id, run));
    keys.add(objectKeys.probes(job.id, run));
    keys.add(objectKeys.resolved(job.id, run));
  }
  const perZip = await mapConcurrent(zips, STORAGE_CONCURRENCY, async (zip) => [
    // A ZIP in a tenant's bucket is the tenant's: only its link expires.
    ...(zip.location ? [] : [zip.key]),
    zip.bin_key,
    objectKeys.crcs(job.id, zip.id),
    ...(await checkpointObjectKeys(deps.blobs, job.id, zip.id)),
    // An earlier run's segment records went at the next run's Prepare.
    ...(await segmentRecordKeys(deps.blobs, job.id, zip, job.run)),
  ]);
  for (const key of perZip.flat()) keys.add(key);
  await deps.objects.deleteObjects([...keys]);
  return keys.size;
}
