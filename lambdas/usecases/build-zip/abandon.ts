import { MultipartSink } from '../../adapters/multipart-sink';
import { objectKeys, type Bin } from '../../core/jobs/model';
import type { BuildZipDeps, ZipRef } from '../build-zip';
import { CheckpointStore } from './checkpoint';

/**
 * A ZIP bound for a tenant's bucket that failed outside BuildZip's own
 * handling (retries used up, a timeout) leaves its multipart upload there,
 * where no lifecycle rule of ours reaches: abort it. Best-effort; the
 * service's own bucket has its lifecycle rule for that.
 */
export async function abandonTenantUpload(deps: Pick<BuildZipDeps, 'store' | 'blobs' | 's3' | 'bucket' | 'zipTarget'>, jobId: string, ref: ZipRef): Promise<void> {
  const job = await deps.store.getJob(jobId);
  if (!job?.destination || !deps.zipTarget) return;
  const saved = await new CheckpointStore(deps.s3, deps.bucket, objectKeys.checkpoint(jobId, ref.zip_id)).load();
  if (!saved?.upload_id) return;
  const target = await deps.zipTarget(job, ref, await deps.blobs.getJson<Bin>(ref.bin_key));
  if (!target) return;
  await new MultipartSink(target.s3, { bucket: target.bucket, key: target.key, uploadId: saved.upload_id }).abort();
}
