/** Prepare's first step: the job's list of files, from its manifest or its uploaded list. */
import type { BlobStore } from '../adapters/blob-store';
import type { JobStore } from '../adapters/job-store';
import { LIMITS } from '../core/jobs/limits';
import { parseFileList } from '../core/jobs/file-list';
import type { Job, JobError, Manifest } from '../core/jobs/model';

interface ManifestDeps {
  readonly store: JobStore;
  readonly blobs: BlobStore;
  readonly now: () => Date;
}

type Listed = { ok: true; manifest: Manifest; job: Job } | { ok: false; errors: JobError[] };

/**
 * The job's files. A `files_from` job's uploaded list becomes its manifest
 * here: checked exactly as inline files are, then written with the job's
 * url_count. Once the manifest exists (a repeated Prepare, a retry) it is
 * used as it is.
 */
export async function manifestOf(deps: ManifestDeps, job: Job): Promise<Listed> {
  if (!job.files_from) return { ok: true, manifest: await deps.blobs.getJson<Manifest>(job.manifest_key), job };
  const written = await deps.blobs.findJson<Manifest>(job.manifest_key);
  if (written) return { ok: true, manifest: written, job };
  const refuse = (error: string): Listed => ({ ok: false, errors: [{ error: `files_from: ${error}` }] });
  const size = await deps.blobs.objectSize(job.files_from.key);
  if (size === undefined) return refuse('the uploaded list is gone (uploads are kept for a day)');
  if (size > LIMITS.maxUploadBytes) return refuse(`the uploaded list must be at most ${LIMITS.maxUploadBytes} bytes`);
  const parsed = parseFileList(await deps.blobs.getText(job.files_from.key), job.files_from.max_files);
  if (!parsed.ok) return parsed;
  const manifest: Manifest = { files: parsed.files };
  await deps.blobs.putJson(job.manifest_key, manifest);
  await deps.store.transitionJob(job.id, [job.status], job.status, { url_count: parsed.files.length, updated_at: deps.now().toISOString() });
  return { ok: true, manifest, job: { ...job, url_count: parsed.files.length } };
}
