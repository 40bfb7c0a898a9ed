import type { JobDetail, JobListEntry, ZipView } from '../api/responses';
import type { RequestedFile } from './create-request';
import { objectRefInput } from '../objects/request';
import { isTerminal, mergeErrors, type Job, type ZipRecord } from './model';
import { jobZipNames } from './zip-filenames';

/** Builds the download link for one completed ZIP, or null when there is none to give. */
export type DownloadLink = (zip: ZipRecord) => string | null;

function zipView(zip: ZipRecord, link: DownloadLink): ZipView {
  return {
    id: zip.id,
    sequence: zip.sequence,
    status: zip.status,
    filename: zip.filename,
    file_count: zip.file_count,
    size: zip.status === 'completed' ? zip.size : null,
    download_url: link(zip),
    ...(zip.location && { location: { service: zip.location.service, bucket: zip.location.bucket, key: zip.location.key } }),
    ...(zip.errors.length > 0 ? { errors: [...zip.errors] } : {}),
  };
}

/** What the job item alone says, in every view of it. */
function jobFacts(job: Job) {
  return {
    total_size: job.total_size,
    max_zip_size_bytes: job.options.max_zip_size_bytes,
    fail_on_url_error: job.options.fail_on_url_error,
    created_at: job.created_at,
    completed_at: job.completed_at,
    expires_at: job.expires_at,
  };
}

/** The fields shared by `GET /jobs` and `GET /jobs/:id` (docs/API.md "List jobs"). */
export function jobSummary(job: Job, zips: readonly ZipRecord[], firstZipName: string): JobListEntry {
  const multi = zips.length > 1;
  const single = zips.length === 1 ? zips[0] : undefined;
  return {
    id: job.id,
    status: job.status,
    url_count: job.url_count,
    file_count: job.file_count,
    zip_filename: zips[0]?.filename ?? firstZipName,
    zip_size: single?.status === 'completed' ? single.size : null,
    multi_zip: multi,
    zip_count: zips.length,
    ...jobFacts(job),
  };
}

/**
 * A `GET /jobs` entry from the job item alone, so a listing reads no ZIP
 * records: the first ZIP's name follows from the job's options and ZIP count
 * (the names Prepare gave), and a single completed ZIP's size is the job's
 * total. Matches `jobSummary` once Prepare has recorded the ZIP count.
 */
export function jobListEntry(job: Job): JobListEntry {
  return {
    id: job.id,
    status: job.status,
    url_count: job.url_count,
    file_count: job.file_count,
    zip_filename: jobZipNames(job, Math.max(1, job.zip_count))[0]!,
    zip_size: job.zip_count === 1 && job.status === 'completed' ? job.total_size : null,
    multi_zip: job.zip_count > 1,
    zip_count: job.zip_count,
    ...jobFacts(job),
  };
}

/** `GET /jobs/:id`'s job (docs/API.md "Get a job"), typed by core/api/responses.ts; single-ZIP jobs mirror zips[0] at the top level. */
export function jobDetail(
  job: Job,
  zips: readonly ZipRecord[],
  files: readonly RequestedFile[],
  firstZipName: string,
  link: DownloadLink,
): JobDetail {
  const ordered = [...zips].sort((a, b) => a.sequence - b.sequence);
  const zipViews = ordered.map((z) => zipView(z, link));
  const single = zipViews.length === 1 ? zipViews[0] : undefined;
  return {
    ...jobSummary(job, ordered, firstZipName),
    files: files.map((f) => (f.object ? { object: objectRefInput(f.object) } : { url: f.url, filename: f.filename })),
    ...(job.legacy_urls && { urls: files.map((f) => f.url) }),
    // null when none was given, as Eazip shows it.
    metadata: job.options.metadata ?? null,
    split_strategy: job.options.split_strategy,
    allow_oversize_zips: job.options.allow_oversize_zips,
    fail_on_zip_error: job.options.fail_on_zip_error,
    mode: job.options.mode,
    compression: job.options.compression,
    download_url: single?.download_url ?? null,
    // A job that failed as a whole says so once, though each unfinished ZIP says it too.
    errors: mergeErrors(job.errors, ordered.flatMap((z) => z.errors)),
    zips: zipViews,
    progress: {
      files_done: isTerminal(job.status) ? (job.file_count ?? 0) : ordered.reduce((n, z) => n + z.files_done, 0),
      files_total: job.url_count,
      bytes_done: ordered.reduce((n, z) => n + z.bytes_done, 0),
    },
    // (extension) null until a webhook is first attempted, and for jobs with no URL to notify.
    webhook: job.webhook
      ? { id: job.webhook.id, status: job.webhook.status, attempts: job.webhook.attempts, last_error: job.webhook.last_error }
      : null,
  };
}
