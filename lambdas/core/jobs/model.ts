import { createHash } from 'node:crypto';
import type { CreateJobRequest, RequestedFile } from './create-request';
import type { BucketService, ZipLocation } from '../buckets/model';
import type { ObjectPin } from '../objects/paket';
import type { JobLimits } from '../plans';
import type { WebhookDelivery } from '../webhooks/delivery';

export type JobStatus = 'preparing' | 'pending' | 'processing' | 'completed' | 'failed';
export type ZipStatus = 'pending' | 'processing' | 'completed' | 'failed';
export const JOB_STATUSES: readonly JobStatus[] = ['preparing', 'pending', 'processing', 'completed', 'failed'];

/**
 * A file that could not be packaged (`url` set) or a fault of the job or a
 * ZIP (no `url`). Records hold only faults, which are few; file errors can
 * be many and live in the job's error list (adapters/job-lists.ts), counted
 * in `file_error_count`.
 */
export interface JobError {
  readonly url?: string;
  readonly error: string;
}

/** What the client asked for, with defaults applied; fixed for the job's life. */
export type JobOptions = Omit<CreateJobRequest, 'files' | 'urls' | 'files_from' | 'zip_filename'> & {
  readonly zip_filename: string | null;
};

export interface Job {
  readonly id: string;
  readonly tenant_id: string;
  readonly status: JobStatus;
  readonly options: JobOptions;
  readonly url_count: number;
  /** Files packaged into completed ZIPs; known once the job ends. */
  readonly file_count: number | null;
  readonly zip_count: number;
  readonly total_size: number | null;
  /** Faults of the job itself (see JobError). */
  readonly errors: readonly JobError[];
  /** Prepare's file errors in the job's error list (job scope). */
  readonly file_error_count?: number;
  readonly created_at: string;
  readonly updated_at: string;
  readonly completed_at: string | null;
  readonly expires_at: string;
  /** S3 key of the file manifest (`{files: RequestedFile[]}`); written by Prepare for a `files_from` job. */
  readonly manifest_key: string;
  /** A `files_from` job: its uploaded list (object key) and the plan's files per job, checked by Prepare. */
  readonly files_from?: { readonly key: string; readonly max_files: number };
  /** Incremented by every start of the workflow (create, retry). */
  readonly run: number;
  /** The plan's limits for the current run; absent on jobs created before they were recorded (then only the absolute limits apply). */
  readonly limits?: JobLimits;
  /** Set by a retry with from_checkpoint: Prepare keeps completed ZIPs and resumes the rest instead of packing again. */
  readonly retry_from_checkpoint?: boolean;
  /** Created with Eazip's older `urls: string[]` form: its view shows `urls` beside `files`. */
  readonly legacy_urls?: boolean;
  /** The plan of the key that created the job: stream downloads count against its quota and archive size. */
  readonly plan?: string;
  /** The webhook delivery of the current run, once Notify has tried one (none without a URL). */
  readonly webhook?: WebhookDelivery;
  /** The tenant's bucket its ZIPs go to (`bucket_name` resolved at create time); none: the service's own. */
  readonly destination?: JobDestination;
  /** `zipball`: a stream job made by `POST /v2/zipball`, downloadable without a key at `/<id>.zip` until it expires. */
  readonly kind?: 'zipball';
}

export interface JobDestination {
  readonly bucket_name: string;
  readonly service: BucketService;
  readonly bucket: string;
}

export interface ZipRecord {
  readonly job_id: string;
  readonly id: string;
  readonly sequence: number;
  readonly status: ZipStatus;
  readonly filename: string;
  /** Files in the bin; after the build, files actually packaged. */
  readonly file_count: number;
  readonly size: number | null;
  /** Key of the finished archive: in the service's bucket, or in `location`'s. */
  readonly key: string;
  /** Set when the ZIP goes to a tenant's bucket (which the service never deletes from). */
  readonly location?: ZipLocation;
  /** S3 key of the bin (its entries). */
  readonly bin_key: string;
  /** Faults of the ZIP (see JobError). */
  readonly errors: readonly JobError[];
  /** BuildZip's file errors in the job's error list (this ZIP's scope). */
  readonly file_error_count?: number;
  readonly files_done: number;
  readonly bytes_done: number;
  /** A ZIP built in segments: each segment's own progress while they run (by segment index). */
  readonly segment_progress?: Readonly<Record<string, ZipProgress>>;
  readonly updated_at: string;
}

export interface ZipProgress {
  readonly files_done: number;
  readonly bytes_done: number;
}

/**
 * How far a ZIP is: its own counts, or, while its segments run, theirs
 * added up (each segment writes only its own, so none is counted twice).
 */
export function zipProgress(zip: Pick<ZipRecord, 'files_done' | 'bytes_done' | 'segment_progress'>): ZipProgress {
  const segments = Object.values(zip.segment_progress ?? {});
  return {
    files_done: Math.max(zip.files_done, segments.reduce((n, s) => n + s.files_done, 0)),
    bytes_done: Math.max(zip.bytes_done, segments.reduce((n, s) => n + s.bytes_done, 0)),
  };
}

/** One entry of a bin: a requested file with its position in the job. */
export interface BinEntry {
  readonly index: number;
  readonly url: string;
  readonly filename: string | null;
  /** Size learned by probing, when the job was split or streams. */
  readonly size?: number;
  /** A stored object's version and ETag, pinned by Prepare (`url` is then `s3://…`). */
  readonly object?: ObjectPin;
  /** Stream jobs: everything a download needs to give the same bytes every time. */
  readonly stream?: PinnedSource;
}

/** What a stream job's entry pins when it is probed. */
export interface PinnedSource {
  readonly name: string;
  readonly method: 'store' | 'deflate';
  /** The URL after redirects, fetched directly at download time. */
  readonly url: string;
  readonly etag?: string;
  readonly last_modified?: string;
  readonly accepts_ranges: boolean;
  /** The entry's modification time (the source's Last-Modified, else the job's creation), ISO 8601. */
  readonly mtime: string;
}

/** A requested file as bins and pins see it. */
export type RequestedFileLike = Pick<RequestedFile, 'url' | 'filename'>;

export interface Bin {
  readonly zip_id: string;
  readonly sequence: number;
  readonly filename: string;
  readonly entries: readonly BinEntry[];
}

/** The bins list read by the state machine's Distributed Map. */
export interface BinRef {
  readonly zip_id: string;
  readonly sequence: number;
  readonly bin_key: string;
}

/** An object Prepare resolved a file to: the version it reads and what it learned of it. */
export interface StoredObject extends ObjectPin {
  readonly size: number;
  readonly last_modified?: string;
}

/** A manifest's file; after Prepare's resolution an object's file is an `s3://` URL with its `stored` pin. */
export interface ManifestFile extends RequestedFile {
  readonly stored?: StoredObject;
}

/** Where a job's paket objects are, as it was when the job was created. */
export interface ManifestPaket {
  readonly bucket_name: string;
  /** '' or `a/b/`. */
  readonly prefix: string;
}

export interface Manifest {
  readonly files: readonly ManifestFile[];
  /** Set when a file names an object of the paket. */
  readonly paket?: ManifestPaket;
}

export const objectKeys = {
  manifest: (jobId: string) => `manifests/${jobId}.json`,
  /** A file list uploaded for `files_from`: under its tenant (hashed: any characters, no other tenant's id resolves). */
  upload: (tenantId: string, uploadId: string) => `uploads/${createHash('sha256').update(tenantId, 'utf8').digest('hex').slice(0, 32)}/${uploadId}`,
  bin: (jobId: string, zipId: string) => `bins/${jobId}/${zipId}.json`,
  binsList: (jobId: string, run: number) => `bins/${jobId}/bins-${run}.json`,
  zip: (jobId: string, zipId: string) => `zips/${jobId}/${zipId}.zip`,
  checkpoint: (jobId: string, zipId: string) => `checkpoints/${jobId}/${zipId}.json`,
  /** The CRC-32s a stream ZIP's downloads have learned, so later ranges need not read whole entries again. */
  crcs: (jobId: string, zipId: string) => `crcs/${jobId}/${zipId}.json`,
  /** Prepare's probe outcomes so far, while a split job's probing spans several runs. */
  probes: (jobId: string, run: number) => `checkpoints/${jobId}/probes-${run}.json`,
  /** The manifest with its objects resolved (folders expanded, versions pinned), once per run. */
  resolved: (jobId: string, run: number) => `checkpoints/${jobId}/resolved-${run}.json`,
};

/**
 * Workflow execution names: one per run of a job, so a repeated start is
 * harmless, and one for a notification restarted after that run's execution
 * ended early (see usecases/workflow-ended.ts).
 */
export const executionNames = {
  run: (job: Pick<Job, 'id' | 'run'>) => `${job.id}-${job.run}`,
  notify: (job: Pick<Job, 'id' | 'run'>) => `${job.id}-${job.run}-notify`,
};

export const isTerminal = (status: JobStatus | ZipStatus): boolean => status === 'completed' || status === 'failed';
