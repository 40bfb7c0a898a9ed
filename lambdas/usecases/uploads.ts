import { randomUUID } from 'node:crypto';
import type { BlobStore } from '../adapters/blob-store';
import { LIMITS } from '../core/jobs/limits';
import { objectKeys } from '../core/jobs/model';

export interface UploadDeps {
  readonly blobs: Pick<BlobStore, 'presignUpload'>;
  readonly now: () => Date;
  readonly newId?: () => string;
}

/** How long the upload URL works. */
export const UPLOAD_URL_SECONDS = 3600;

/**
 * `POST /uploads`: a presigned PUT for a file list too big for a request
 * body (a JSON array or NDJSON of `{url, filename?}`, up to
 * LIMITS.maxUploadBytes), to be named in `POST /jobs` as `files_from`. The
 * object lives under the tenant, so only that tenant's jobs can name it.
 */
export async function createUpload(deps: UploadDeps, tenantId: string) {
  const uploadId = (deps.newId ?? randomUUID)();
  const url = await deps.blobs.presignUpload(objectKeys.upload(tenantId, uploadId), UPLOAD_URL_SECONDS);
  return {
    upload_id: uploadId,
    url,
    // (extension) when the url stops working, and the most it takes
    expires_at: new Date(deps.now().getTime() + UPLOAD_URL_SECONDS * 1000).toISOString(),
    max_bytes: LIMITS.maxUploadBytes,
  };
}
