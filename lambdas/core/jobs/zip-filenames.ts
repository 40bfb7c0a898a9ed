import { parseZipFilename, renderZipNames } from '../naming/zip-names';
import type { Job } from './model';

/** The names of a job's ZIPs when it has `total` of them (docs/API.md "ZIP names and templates"). */
export function jobZipNames(job: Pick<Job, 'id' | 'created_at' | 'options'>, total: number): string[] {
  const parsed = parseZipFilename(job.options.zip_filename);
  // Stored names were checked at create time for every reachable total.
  if (!parsed.ok) throw new Error(`stored zip_filename does not parse: ${parsed.error}`);
  return renderZipNames(parsed.value, { jobId: job.id, createdAt: new Date(job.created_at), total });
}
