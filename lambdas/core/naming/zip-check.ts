/**
 * Create-time check of a compiled `zip_filename` for every ZIP count the job
 * could reach, without rendering every name for every count.
 *
 * Placeholders render only digits and a fixed-width date, so a name's length
 * depends on nothing but the digit counts of n and N, and its characters
 * outside digits do not depend on them at all. Within one digit class of N
 * (1-9, 10-99, ...) the longest name is that of n = N, whose length is the
 * same for every N of the class, and lengths never shrink as N grows. So the
 * first failing N, if any, is N = 1 or the first N of some digit class, and
 * rendering the first and last name there finds it.
 */
import { isWellFormedUnicode } from './entry-names';
import { renderZipName, type CompiledZipName } from './zip-template';

export interface CheckOptions {
  /** The largest number of ZIPs the job could be split into (≥ 1). */
  maxTotal: number;
}

const MAX_LENGTH = 255;
// A job id is a UUID; only its length matters here.
const SAMPLE_JOB_ID = '00000000-0000-4000-8000-000000000000';
const SAMPLE_DATE = new Date(Date.UTC(2000, 0, 1));
// Header-breaking characters have no place in a download's file name.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function problemOf(name: string, total: number): string | null {
  const where = total === 1 ? '' : ` when split into ${total} ZIPs`;
  if (name === '') return `must not be empty${where}`;
  if (!isWellFormedUnicode(name)) return 'must be valid Unicode (it contains a lone surrogate)';
  if (name.includes('/') || name.includes('\\')) return 'must not contain "/" or "\\"';
  if (CONTROL.test(name)) return 'must not contain control characters';
  if ([...name].length > MAX_LENGTH) return `must be at most ${MAX_LENGTH} characters${where}`;
  return null;
}

/** Only the names that matter: n = 1 and n = total. */
function extremes(compiled: CompiledZipName, total: number): string[] {
  const ctx = { jobId: SAMPLE_JOB_ID, createdAt: SAMPLE_DATE, total };
  return [renderZipName(compiled, ctx, 1), renderZipName(compiled, ctx, total)];
}

/** The first problem of any name for any N in 1..maxTotal, or null. */
export function checkZipFilename(compiled: CompiledZipName, options: CheckOptions): string | null {
  const maxTotal = Math.max(1, Math.floor(options.maxTotal));
  const candidates = [1];
  for (let first = 2; first <= maxTotal; first = first === 2 ? 10 : first * 10) candidates.push(first);
  for (const total of candidates) {
    for (const name of extremes(compiled, total)) {
      const problem = problemOf(name, total);
      if (problem) return problem;
    }
  }
  return null;
}
