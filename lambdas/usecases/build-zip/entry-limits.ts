/**
 * What one entry may take: bytes (the plan's room left in the archive, the
 * size a split job packed it at) and time (the per-file clock, across runs).
 */
import { FetchError } from '../../core/fetch';
import { LIMITS } from '../../core/jobs/limits';
import type { BinEntry, Job } from '../../core/jobs/model';
import { archiveLimit } from '../../core/plans';
import { lonePayloadLimit, payloadLimit } from '../../core/packing';
import type { ZipMethod } from '../../core/zip';

/** Most bytes a source may send: its probed size, else the global limit. */
export const fetchCap = (entry: BinEntry): number => entry.size ?? LIMITS.maxZipSize;

/**
 * The per-entry cap that keeps a split job's promise: a probed size was
 * packed, so a source that sends more is cut off ("too large"); a file of
 * unknown size in a job that allows no oversize ZIP gets what its own ZIP
 * has room for. Everything else only has the global limit.
 */
export function entryMaxBytes(job: Job, entry: BinEntry, name: string, method: ZipMethod): number {
  if (entry.size !== undefined) return Math.min(entry.size, LIMITS.maxZipSize);
  const cap = job.options.max_zip_size_bytes;
  if (cap === null || job.options.allow_oversize_zips) return LIMITS.maxZipSize;
  return Math.max(0, lonePayloadLimit(method, Buffer.byteLength(name, 'utf8'), { cap, patching: true }));
}

/**
 * The plan's per-archive size holds for every ZIP, split or not: an entry
 * may take only what the archive has left, so a source is cut off ("too
 * large") before the ZIP would pass it, and one announced larger is refused
 * before its body is read. Negative when not even an empty entry fits.
 */
export function archiveRoom(job: Job): (method: ZipMethod, nameBytes: number, committedBytes: number) => number {
  const cap = archiveLimit(job) ?? LIMITS.maxZipSize;
  return (method, nameBytes, committedBytes) => payloadLimit(method, nameBytes, { cap, patching: true }, committedBytes);
}

/** The per-file time limit: one entry's time so far (earlier runs included) and its deadline. */
export class EntryClock {
  private readonly startedAt = Date.now();

  constructor(
    /** Time the entry took in earlier runs. */
    private readonly before: number,
    private readonly maxFileMs: number | undefined,
  ) {}

  elapsed(): number {
    return this.before + (Date.now() - this.startedAt);
  }

  /** Epoch ms by which the file must be fetched, if there is a limit. */
  deadline(): number | undefined {
    return this.maxFileMs === undefined ? undefined : this.startedAt + this.maxFileMs - this.before;
  }
}

/** The time a body has left before `deadline`; a source out of time is a `timeout` at once. */
export function timeLeft(deadline: number | undefined): number | undefined {
  if (deadline === undefined) return undefined;
  const left = deadline - Date.now();
  if (left <= 0) throw FetchError.tooSlow();
  return left;
}
