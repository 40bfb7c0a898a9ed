import type { JobStatus, ZipRecord } from './model';

export interface JobOutcome {
  readonly status: Extract<JobStatus, 'completed' | 'failed'>;
  readonly file_count: number;
  /** Null when a completed ZIP's size is not known (a stream ZIP of compressed or unsized entries). */
  readonly total_size: number | null;
}

/**
 * The job's end state from its ZIPs (docs/API.md "Job lifecycle"): completed when
 * all are; with `fail_on_zip_error: false`, completed when at least one is;
 * otherwise failed. Totals count completed ZIPs only.
 */
export function aggregateJob(zips: readonly ZipRecord[], failOnZipError: boolean): JobOutcome {
  const completed = zips.filter((z) => z.status === 'completed');
  const allDone = zips.length > 0 && completed.length === zips.length;
  const someDone = completed.length > 0;
  const status = allDone || (!failOnZipError && someDone) ? 'completed' : 'failed';
  return {
    status,
    file_count: completed.reduce((n, z) => n + z.file_count, 0),
    total_size: completed.some((z) => typeof z.size !== 'number') ? null : completed.reduce((n, z) => n + z.size!, 0),
  };
}
