import type { Bin } from '../../core/jobs/model';
import type { BuildZipDeps, ZipRef } from '../build-zip';
import { CheckpointStore } from './checkpoint';

/**
 * A ZIP bound for a tenant's bucket that failed outside BuildZip's own
 * handling (retries used up, a timeout) leaves its multipart upload there,
 * where no lifecycle rule of ours reaches: abort it. Best-effort; the
 * service's own bucket has its lifecycle rule for that.
 */
export async function abandonTenantUpload(deps: Pick<BuildZipDeps, 'store' | 'blobs' | 'sinks'>, jobId: string, ref: ZipRef): Promise<void> {
  const job = await deps.store.getJob(jobId);
  if (!job?.destination) return;
  const saved = await new CheckpointStore(deps.blobs, jobId, ref.zip_id).load();
  if (!saved?.upload_id) return;
  await deps.sinks.abandon(job, ref, await deps.blobs.getJson<Bin>(ref.bin_key), saved.upload_id);
}
