/**
 * The one byte range a download answers (RFC 9110 §14): `bytes=a-b`,
 * `bytes=a-` and `bytes=-n`. Several ranges, another unit or a malformed
 * header are ignored (the whole representation is sent, as the RFC allows);
 * a range that starts past the end is unsatisfiable (416).
 */
export type RangeAnswer = { readonly kind: 'whole' } | { readonly kind: 'partial'; readonly start: number; readonly end: number } | { readonly kind: 'unsatisfiable' };

const WHOLE: RangeAnswer = { kind: 'whole' };
const RANGE = /^bytes=(\d*)-(\d*)$/;

/** `end` is exclusive. */
export function byteRange(header: string | undefined, total: number): RangeAnswer {
  if (header === undefined) return WHOLE;
  const m = RANGE.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return WHOLE;
  const [first, last] = [m[1]!, m[2]!];
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) return { kind: 'unsatisfiable' };
    return total === 0 ? { kind: 'unsatisfiable' } : { kind: 'partial', start: Math.max(0, total - suffix), end: total };
  }
  const start = Number(first);
  const end = last === '' ? total : Math.min(total, Number(last) + 1);
  if (last !== '' && Number(last) < start) return WHOLE;
  if (!Number.isSafeInteger(start) || start >= total) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end };
}

/**
 * `If-Range`: the range applies only when the validator is the current
 * strong ETag; a date (we send no Last-Modified) or any other tag means the
 * client's copy is another one, so the whole archive is sent.
 */
export function rangeStillApplies(ifRange: string | undefined, etag: string): boolean {
  return ifRange === undefined || ifRange.trim() === etag;
}
