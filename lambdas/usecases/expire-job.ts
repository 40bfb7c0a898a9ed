import type { JobStore } from '../adapters/job-store';
import { objectKeys } from '../core/jobs/model';

/** Deletes objects by key; missing keys are not an error. */
export interface ObjectRemover {
  deleteObjects(keys: readonly string[]): Promise<void>;
}

/**
 * After a job expires, its stored objects go: the ZIPs, the manifest, the
 * bins and lists and checkpoints. Every key is derived from the job and its
 * ZIP records, so nothing needs listing. The job record stays for history
 * until its own TTL. Safe to run twice.
 */
export async function deleteExpiredJobObjects(deps: { store: JobStore; objects: ObjectRemover; now: () => Date }, jobId: string): Promise<number> {
  const found = await deps.store.getJobWithZips(jobId);
  if (!found) return 0;
  const { job, zips } = found;
  if (Date.parse(job.expires_at) > deps.now().getTime()) return 0; // extended or not yet due
  const keys = new Set<string>([job.manifest_key]);
  for (let run = 1; run <= job.run; run++) keys.add(objectKeys.binsList(job.id, run));
  for (const zip of zips) {
    keys.add(zip.key);
    keys.add(zip.bin_key);
    keys.add(objectKeys.checkpoint(job.id, zip.id));
  }
  await deps.objects.deleteObjects([...keys]);
  return keys.size;
}
