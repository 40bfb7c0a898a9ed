/** Parsers for the few response headers the fetcher relies on. */
import type { IncomingHttpHeaders } from 'node:http';

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** A non-negative safe integer Content-Length, else undefined. */
export function parseContentLength(headers: IncomingHttpHeaders): number | undefined {
  const raw = single(headers['content-length'])?.trim();
  if (raw === undefined || !/^[0-9]{1,16}$/.test(raw)) return undefined;
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : undefined;
}

export interface ContentRange {
  start: number;
  end: number;
  /** Undefined for `bytes a-b/*`. */
  total?: number;
}

/** `bytes <start>-<end>/<total|*>`, consistent, else undefined. */
export function parseContentRange(value: string | string[] | undefined): ContentRange | undefined {
  const m = /^\s*bytes\s+([0-9]{1,16})-([0-9]{1,16})\/([0-9]{1,16}|\*)\s*$/i.exec(single(value) ?? '');
  if (!m) return undefined;
  const start = Number(m[1]);
  const end = Number(m[2]);
  const total = m[3] === '*' ? undefined : Number(m[3]);
  if (end < start || (total !== undefined && end >= total)) return undefined;
  return total === undefined ? { start, end } : { start, end, total };
}

/**
 * Retry-After as milliseconds. An HTTP-date is measured against the
 * response's own Date header, so no local clock (and no skew) is involved.
 */
export function parseRetryAfter(headers: IncomingHttpHeaders): number | undefined {
  const raw = single(headers['retry-after'])?.trim();
  if (!raw) return undefined;
  if (/^[0-9]{1,9}$/.test(raw)) return Number(raw) * 1000;
  const at = Date.parse(raw);
  const now = Date.parse(single(headers['date']) ?? '');
  if (Number.isNaN(at) || Number.isNaN(now)) return undefined;
  return Math.max(0, at - now);
}

export function acceptsByteRanges(headers: IncomingHttpHeaders): boolean {
  const raw = single(headers['accept-ranges']) ?? '';
  return raw.split(',').some((unit) => unit.trim().toLowerCase() === 'bytes');
}
