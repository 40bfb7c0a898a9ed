import type { Bin } from '../../core/jobs/model';
import type { BuildZipDeps, ZipRef } from '../build-zip';
import { CheckpointStore } from './checkpoint';
import { segmentKeys, segmentRun, type SegmentedZip } from './segment-store';

/**
 * A ZIP bound for a tenant's bucket that failed outside BuildZip's own
 * handling (retries used up, a timeout) leaves its multipart upload there,
 * where no lifecycle rule of ours reaches: abort it, whether BuildZip built
 * it as one (its checkpoint names the upload) or in segments (the plan of
 * the job's run names the shared one). Best-effort; the service's own bucket
 * has its lifecycle rule for that.
 */
export async function abandonTenantUpload(deps: Pick<BuildZipDeps, 'store' | 'blobs' | 'sinks'>, jobId: string, ref: ZipRef): Promise<void> {
  const job = await deps.store.getJob(jobId);
  if (!job?.destination) return;
  const [saved, segmented] = await Promise.all([
    new CheckpointStore(deps.blobs, jobId, ref.zip_id).load(),
    deps.blobs.findJson<SegmentedZip>(segmentKeys.plan(jobId, segmentRun(ref.zip_id, job.run))),
  ]);
  const uploads = [saved?.upload_id, segmented?.upload_id].filter((id): id is string => id !== undefined);
  if (uploads.length === 0) return;
  const bin = await deps.blobs.getJson<Bin>(ref.bin_key);
  for (const uploadId of uploads) await deps.sinks.abandon(job, ref, bin, uploadId);
}
