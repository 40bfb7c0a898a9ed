import type { JobDetail, JobListEntry, ZipView } from '../api/responses';
import type { RequestedFile } from './create-request';
import { objectRefInput } from '../objects/request';
import { parseObjectUrl } from '../objects/paket';
import { ANSWER_LIMITS } from './answer-limits';
import { jsonBytes, takeWithinBytes, type Scoped } from './long-lists';
import { isTerminal, zipProgress, type Job, type JobError, type ZipRecord } from './model';
import { jobZipNames } from './zip-filenames';

/** Builds the download link for one completed ZIP, or null when there is none to give. */
export type DownloadLink = (zip: ZipRecord) => string | null;

/** A ZIP's shown errors: its faults, then its file errors among the job's shown ones. */
function zipView(zip: ZipRecord, link: DownloadLink, fileErrors: readonly Scoped<JobError>[]): ZipView {
  const errors = [...zip.errors, ...fileErrors.filter((e) => e.scope === zip.sequence).map((e) => e.item)];
  return {
    id: zip.id,
    sequence: zip.sequence,
    status: zip.status,
    filename: zip.filename,
    file_count: zip.file_count,
    size: zip.status === 'completed' ? zip.size : null,
    download_url: link(zip),
    ...(zip.location && { location: { service: zip.location.service, bucket: zip.location.bucket, key: zip.location.key } }),
    ...(errors.length > 0 ? { errors } : {}),
    // (extension) all of them, shown or not
    errors_count: zip.errors.length + (zip.file_error_count ?? 0),
  };
}

/**
 * The job's faults, each once: a job that failed as a whole says so once,
 * though each unfinished ZIP says it too. Few by construction (see JobError).
 */
export function jobFaults(job: Job, zips: readonly ZipRecord[]): JobError[] {
  const faults: JobError[] = [];
  for (const e of [...job.errors, ...[...zips].sort((a, b) => a.sequence - b.sequence).flatMap((z) => z.errors)]) {
    if (!faults.some((o) => o.url === e.url && o.error === e.error)) faults.push(e);
  }
  return faults;
}

/** Every error of the job: its faults and every file error of the job and its ZIPs. */
export const jobErrorCount = (job: Job, zips: readonly ZipRecord[]): number =>
  jobFaults(job, zips).length + (job.file_error_count ?? 0) + zips.reduce((n, z) => n + (z.file_error_count ?? 0), 0);

/**
 * Files `from` to `to` of the job's requested `files` as `files[]` and
 * `GET /jobs/:id/files` show them: `entry_name` is null until the file's ZIP
 * is built with it. Names are recorded by the bins' file indexes, which are
 * the requested files' own unless the job names stored objects (Prepare
 * resolves those into another list, a folder into many files): such a job
 * shows none. A stored object shows its reference.
 */
/** A legacy job's files are all URLs; an object view has none. */
const urlOf = (view: { url?: string }) => view.url ?? '';

export function fileViews(files: readonly RequestedFile[], entryNames: ReadonlyMap<number, string>, from = 0, to = files.length) {
  const named = !files.some((f) => f.object !== undefined || parseObjectUrl(f.url) !== undefined);
  return files.slice(from, to).map((file, i) => {
    const entry_name = (named && entryNames.get(from + i)) || null;
    return file.object ? { object: objectRefInput(file.object), entry_name } : { url: file.url, filename: file.filename, entry_name };
  });
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

/** What `GET /jobs/:id` shows of the job's long lists. */
export interface JobListsShown {
  /** Every requested file, in order. */
  readonly files: readonly RequestedFile[];
  /** Entry names known so far, by file index. */
  readonly entryNames: ReadonlyMap<number, string>;
  /** The first file errors of the job's list (scope 0: the job's own, n: ZIP n's), within ANSWER_LIMITS. */
  readonly fileErrors: readonly Scoped<JobError>[];
}

/**
 * `GET /jobs/:id` (docs/API.md "Get a job"), typed by core/api/responses.ts; single-ZIP jobs mirror zips[0] at the top level. The
 * answer is bounded whatever the job's size: at most ANSWER_LIMITS.errors
 * errors (with `errors_count`, and `GET /jobs/:id/errors` for all), and the
 * files that fit in ANSWER_LIMITS.bytes (else `files_truncated`, and
 * `GET /jobs/:id/files` for all).
 */
export function jobDetail(job: Job, zips: readonly ZipRecord[], lists: JobListsShown, firstZipName: string, link: DownloadLink): JobDetail {
  const ordered = [...zips].sort((a, b) => a.sequence - b.sequence);
  const zipViews = ordered.map((z) => zipView(z, link, lists.fileErrors));
  const single = zipViews.length === 1 ? zipViews[0] : undefined;
  const errors = [...jobFaults(job, ordered), ...lists.fileErrors.map((e) => e.item)].slice(0, ANSWER_LIMITS.errors);
  const answer = {
    ...jobSummary(job, ordered, firstZipName),
    files: [] as ReturnType<typeof fileViews>,
    // (extension) whether `files` stops short of every file
    files_truncated: false,
    // A job made from URL strings shows them as `urls` too, bounded with `files`.
    ...(job.legacy_urls && { urls: [] as string[] }),
    // null when none was given, as Eazip shows it.
    metadata: job.options.metadata ?? null,
    split_strategy: job.options.split_strategy,
    allow_oversize_zips: job.options.allow_oversize_zips,
    fail_on_zip_error: job.options.fail_on_zip_error,
    mode: job.options.mode,
    compression: job.options.compression,
    download_url: single?.download_url ?? null,
    errors,
    // (extension) all of them, shown or not
    errors_count: jobErrorCount(job, ordered),
    zips: zipViews,
    progress: {
      files_done: isTerminal(job.status) ? (job.file_count ?? 0) : ordered.reduce((n, z) => n + zipProgress(z).files_done, 0),
      files_total: job.url_count,
      bytes_done: ordered.reduce((n, z) => n + zipProgress(z).bytes_done, 0),
    },
    // (extension) null until a webhook is first attempted, and for jobs with no URL to notify.
    webhook: job.webhook
      ? { id: job.webhook.id, status: job.webhook.status, attempts: job.webhook.attempts, last_error: job.webhook.last_error }
      : null,
  };
  const views = fileViews(lists.files, lists.entryNames);
  // With `urls`, each file costs its URL twice.
  const budget = ANSWER_LIMITS.bytes - jsonBytes(answer);
  const files = job.legacy_urls ? takeWithinBytes(views.map((v) => [v, urlOf(v)] as const), budget).map(([v]) => v) : takeWithinBytes(views, budget);
  return { ...answer, files, files_truncated: files.length < views.length, ...(job.legacy_urls && { urls: files.map(urlOf) }) };
}
