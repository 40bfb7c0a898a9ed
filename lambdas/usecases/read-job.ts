import type { BlobStore } from '../adapters/blob-store';
import type { JobLists } from '../adapters/job-lists';
import type { JobStore } from '../adapters/job-store';
import { ExpiredTokenError, InvalidTokenError, NotFoundError } from '../core/errors';
import type { ZipLocation } from '../core/buckets/model';
import type { RequestedFile } from '../core/jobs/create-request';
import type { Job, Manifest, ZipRecord } from '../core/jobs/model';
import { ANSWER_LIMITS } from '../core/jobs/answer-limits';
import { jobDetail, jobFaults } from '../core/jobs/view';
import { jobZipNames } from '../core/jobs/zip-filenames';
import { createToken, verifyToken, type SigningKeys } from '../core/tokens';

export interface ReadJobDeps {
  readonly store: JobStore;
  readonly lists: JobLists;
  readonly blobs: BlobStore;
  readonly signingKeys: () => Promise<SigningKeys>;
  readonly now: () => Date;
  /** Presigns a GET or HEAD in a tenant's bucket (ZIPs with a `location`). */
  readonly presignInTenantBucket?: (tenantId: string, location: ZipLocation, filename: string, expiresInSeconds: number, method: 'GET' | 'HEAD') => Promise<string>;
}

/** Presigned storage URLs live this long; the download token is the long-lived credential. */
const PRESIGN_SECONDS = 300;

const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Another tenant's job answers exactly like a missing one. */
export async function ownJob(store: JobStore, tenantId: string, jobId: string) {
  // Ids are UUIDs; anything else cannot exist (and must not reach the table as a key).
  if (!JOB_ID.test(jobId)) throw new NotFoundError(`job ${jobId.slice(0, 64)} not found`);
  const found = await store.getJobWithZips(jobId);
  if (!found || found.job.tenant_id !== tenantId) throw new NotFoundError(`job ${jobId} not found`);
  return found;
}

const isExpired = (job: Job, now: Date) => Date.parse(job.expires_at) <= now.getTime();

/**
 * The job's requested files. An expired job's objects, its manifest among
 * them, are deleted: its record stays as history without the file list. A
 * `files_from` job has none until Prepare has checked its uploaded list.
 */
export async function requestedFilesOf(deps: Pick<ReadJobDeps, 'blobs' | 'now'>, job: Job): Promise<readonly RequestedFile[]> {
  const expired = isExpired(job, deps.now());
  const manifest = await deps.blobs.getJson<Manifest>(job.manifest_key).catch((error: { name?: string }) => {
    if ((expired || job.files_from) && error.name === 'NoSuchKey') return { files: [] } satisfies Manifest;
    throw error;
  });
  return manifest.files;
}

/** Every entry name known so far, by file index (a few hundred KB for the largest jobs). */
export async function entryNamesOf(lists: JobLists, jobId: string): Promise<Map<number, string>> {
  const { items } = await lists.names.read(jobId, null, { items: Infinity, bytes: Infinity });
  return new Map(items.map(({ item }) => item));
}

/** `GET /jobs/:id`. */
export async function getJob(deps: ReadJobDeps, tenantId: string, jobId: string, baseUrl: string) {
  const { job, zips } = await ownJob(deps.store, tenantId, jobId);
  const expired = isExpired(job, deps.now());
  const shownErrors = { items: Math.max(0, ANSWER_LIMITS.errors - jobFaults(job, zips).length), bytes: ANSWER_LIMITS.errorBytes };
  const [files, entryNames, fileErrors] = await Promise.all([
    requestedFilesOf(deps, job),
    entryNamesOf(deps.lists, job.id),
    shownErrors.items > 0 ? deps.lists.errors.read(job.id, null, shownErrors) : { items: [] },
  ]);
  const keys = await deps.signingKeys();
  const expiry = Math.floor(Date.parse(job.expires_at) / 1000);
  const link = (zip: ZipRecord) =>
    zip.status === 'completed' && !expired
      ? `${baseUrl}/download/${createToken({ j: job.id, z: zip.id, e: expiry }, keys)}`
      : null;
  return jobDetail(job, zips, { files, entryNames, fileErrors: fileErrors.items }, jobZipNames(job, 1)[0]!, link);
}

/** Counts one request for a download link, refusing it (429) over the link's rate. */
export type AdmitDownload = (link: string) => Promise<void>;

/**
 * The job and completed ZIP a download token names. The request counts
 * against the token's rate once its signature holds: a forged token costs
 * no write, and a refused one no read.
 */
export async function resolveToken(deps: Pick<ReadJobDeps, 'store' | 'signingKeys' | 'now'> & { readonly admit: AdmitDownload }, token: string): Promise<{ job: Job; zip: ZipRecord }> {
  const now = deps.now();
  const claims = verifyToken(token, await deps.signingKeys(), now.getTime());
  await deps.admit(token);
  const found = await deps.store.getJobWithZips(claims.j);
  const zip = found?.zips.find((z) => z.id === claims.z);
  if (!found || !zip || zip.status !== 'completed') throw new InvalidTokenError('token: no such archive');
  if (isExpired(found.job, now)) throw new ExpiredTokenError('token: the job has expired');
  return { job: found.job, zip };
}

/**
 * A stored ZIP's short-lived storage URL, signed for the method asked (`HEAD`,
 * which download managers send first, or `GET`).
 */
export function presignZip(deps: ReadJobDeps, job: Job, zip: ZipRecord, method: 'GET' | 'HEAD' = 'GET'): Promise<string> {
  if (zip.location) {
    if (!deps.presignInTenantBucket) throw new Error('presignZip: a ZIP in a tenant bucket needs presignInTenantBucket');
    return deps.presignInTenantBucket(job.tenant_id, zip.location, zip.filename, PRESIGN_SECONDS, method);
  }
  return deps.blobs.presignDownload(zip.key, zip.filename, PRESIGN_SECONDS, method);
}
