import type { EntryNameRecord, JobLists } from '../adapters/job-lists';
import type { JobError } from '../core/jobs/model';

/**
 * Records what a ZIP's build left: its file errors, and the name each of its
 * files got (none for a ZIP that failed: its files are in no archive).
 * Cleared (both empty) when the ZIP fails for another reason or is queued again.
 */
export async function recordZipLists(
  lists: JobLists,
  jobId: string,
  sequence: number,
  errors: readonly JobError[] = [],
  names: readonly EntryNameRecord[] = [],
): Promise<void> {
  await Promise.all([lists.errors.replace(jobId, sequence, errors), lists.names.replace(jobId, sequence, names)]);
}
