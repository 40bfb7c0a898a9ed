/**
 * Packing outcomes shared by Prepare's paths, and the stream-job specifics:
 * a stream job's content (names, sizes, pinned versions) is fixed when it is
 * prepared, and its ZIPs are ready as soon as their bins are written.
 */
import type { Job, JobError, Manifest, ZipRecord } from '../core/jobs/model';
import { probedMethod, probedName } from '../core/jobs/stream-bin';
import { packFiles, packItemFor, type ProbeOutcome, type RejectedFile } from '../core/packing';
import { archiveLimit, type Plan } from '../core/plans';

export type Packed =
  | { ok: true; bins: number[][]; sizes?: readonly (number | undefined)[]; outcomes?: readonly ProbeOutcome[]; errors?: JobError[] }
  | { ok: false; rejected: RejectedFile[]; errors?: JobError[] };

export const okOutcome = (o: ProbeOutcome | undefined): Extract<ProbeOutcome, { ok: true }> => (o?.ok ? o : { ok: true });

/** Stream ZIPs of a known size above the plan's per-archive size (one of unknown size is cut off when it reaches it). */
export function oversizeStreamZips(deps: { readonly planOf?: (job: Job) => Plan }, job: Job, zips: readonly ZipRecord[]): JobError[] {
  const limit = archiveLimit(job, deps.planOf?.(job));
  if (limit === undefined) return [];
  return zips
    .filter((z) => z.size !== null && z.size > limit)
    .map((z) => ({ error: `${z.filename} would be ${z.size} bytes, more than the plan's ${limit} bytes per archive` }));
}

/** Every rejected file by its URL: they go to the job's error list, which holds any number. */
export function rejectionErrors(rejected: readonly RejectedFile[], manifest: Manifest): JobError[] {
  return rejected.map((r) => ({
    url: manifest.files[r.index]!.url,
    error: r.reason === 'oversize' ? 'larger than max_zip_size_bytes' : 'size unknown, so it cannot be kept within max_zip_size_bytes',
  }));
}

/**
 * A stream job's content is fixed here: a file whose probe failed fails the
 * job (fail_on_url_error) or is left out and reported. The rest, their names
 * known, go into one bin or are packed under the cap.
 */
export function packStreamJob(job: Job, manifest: Manifest, outcomes: readonly ProbeOutcome[], sizes: readonly (number | undefined)[]): Packed {
  const ok: number[] = [];
  const errors: JobError[] = [];
  outcomes.forEach((o, i) => {
    if (o.ok) ok.push(i);
    else errors.push({ url: manifest.files[i]!.url, error: o.error ?? 'could not be reached' });
  });
  if (ok.length === 0 || (errors.length > 0 && job.options.fail_on_url_error)) return { ok: false, rejected: [], errors };
  const cap = job.options.max_zip_size_bytes;
  if (cap === null) return { ok: true, bins: [ok], sizes, outcomes, errors };
  const items = ok.map((i) => {
    const file = manifest.files[i]!;
    const outcome = outcomes[i] as Extract<ProbeOutcome, { ok: true }>;
    return { ...packItemFor(i, { ...file, filename: probedName(file, outcome) }, outcome, 'store'), method: probedMethod(job, file, outcome) };
  });
  const result = packFiles(items, { maxZipSize: cap, strategy: job.options.split_strategy, allowOversize: job.options.allow_oversize_zips });
  if (!result.ok) return { ...result, errors: [...errors, ...rejectionErrors(result.rejected, manifest)] };
  return { ok: true, bins: result.bins, sizes, outcomes, errors };
}
