/**
 * openPinned: bytes `[start, end)` of a source exactly as it was when it was
 * probed, or a `changed` error. The version is pinned by its validator and
 * size: a server that takes ranges gets `Range` with `If-Range` (a changed
 * source answers 200 instead of 206); one that does not gets the whole body
 * with `If-Match` / `If-Unmodified-Since` (412 when changed), and the bytes
 * before `start` are skipped here. The validators a response carries must
 * match the pinned ones too.
 */
import type { Readable } from 'node:stream';
import { SourceBody } from './body';
import { FetchError } from './errors';
import { parseContentLength, parseContentRange, parseRetryAfter } from './headers';
import { discard, followRedirects, type FinalHop, type RequestOptions } from './redirects';

export interface PinnedVersion {
  readonly size: number;
  readonly etag?: string;
  readonly lastModified?: string;
  readonly acceptsRanges: boolean;
}

export interface PinnedOptions extends RequestOptions {
  idleTimeoutMs: number;
}

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
const strongEtag = (etag: string | undefined): string | undefined => (etag && !etag.startsWith('W/') ? etag : undefined);

function conditions(pin: PinnedVersion, ranged: boolean): Record<string, string> {
  const etag = strongEtag(pin.etag);
  if (ranged) {
    const validator = etag ?? pin.lastModified;
    return validator ? { 'if-range': validator } : {};
  }
  if (etag) return { 'if-match': etag };
  return pin.lastModified ? { 'if-unmodified-since': pin.lastModified } : {};
}

/** Whether the response names another version than the pinned one. */
function otherVersion(hop: FinalHop, pin: PinnedVersion): boolean {
  const etag = first(hop.res.headers.etag);
  const lastModified = first(hop.res.headers['last-modified']);
  return (pin.etag !== undefined && etag !== undefined && etag !== pin.etag) || (pin.lastModified !== undefined && lastModified !== undefined && lastModified !== pin.lastModified);
}

/** Drops the first `skip` bytes of a body (a server without ranges sends them). */
async function* skipping(body: Readable, skip: number): AsyncGenerator<Buffer> {
  let left = skip;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      if (left >= chunk.length) {
        left -= chunk.length;
        continue;
      }
      yield left > 0 ? chunk.subarray(left) : chunk;
      left = 0;
    }
  } finally {
    body.destroy();
  }
}

export interface PinnedBody {
  /** The bytes of `[start, end)`, no more (the transfer stops at `end`). */
  readonly body: AsyncIterable<Buffer>;
  /** Releases the connection when the body is not read to its end. */
  close(): void;
}

export async function openPinned(url: string, pin: PinnedVersion, start: number, end: number, options: PinnedOptions): Promise<PinnedBody> {
  if (!(Number.isSafeInteger(start) && Number.isSafeInteger(end) && 0 <= start && start < end && end <= pin.size)) {
    throw new RangeError(`range ${start}-${end} outside the pinned size ${pin.size}`);
  }
  const ranged = pin.acceptsRanges && (start > 0 || end < pin.size);
  const headers = { ...conditions(pin, ranged), ...(ranged && { range: `bytes=${start}-${end - 1}` }) };
  const hop = await followRedirects(url, 'GET', headers, options);
  const status = hop.res.statusCode ?? 0;
  const length = parseContentLength(hop.res.headers);
  const fail = (error: FetchError): never => {
    discard(hop);
    throw error;
  };
  if (status === 412) fail(FetchError.changed());
  if (status < 200 || status >= 300) fail(FetchError.http(status, status === 429 || status === 503 ? parseRetryAfter(hop.res.headers) : undefined));
  if (otherVersion(hop, pin)) fail(FetchError.changed());
  let skip = 0;
  if (status === 206) {
    const range = parseContentRange(hop.res.headers['content-range']);
    if (!range || range.total !== pin.size || range.start > start || range.end + 1 < end) fail(FetchError.changed());
    skip = start - range!.start;
  } else {
    // A whole body: the If-Range was not met (another version) unless the length is the pinned one.
    if (length !== undefined && length !== pin.size) fail(FetchError.changed());
    if (ranged && !namesPinnedVersion(hop, pin)) fail(FetchError.changed());
    skip = start;
  }
  const want = end - start;
  const body = new SourceBody(hop.req, hop.res, hop.wire, {
    idleTimeoutMs: options.idleTimeoutMs,
    // The transfer is cut where the range ends; a shorter one fails as a truncated body.
    maxBytes: Number.MAX_SAFE_INTEGER,
    expectedLength: hop.res.headers['transfer-encoding'] ? undefined : length,
    signal: options.signal,
  });
  return { body: exactly(skipping(body, skip), want, body), close: () => body.destroy() };
}

/** A 200 to a ranged request is only the pinned version when the server names the same validators. */
function namesPinnedVersion(hop: FinalHop, pin: PinnedVersion): boolean {
  const etag = first(hop.res.headers.etag);
  const lastModified = first(hop.res.headers['last-modified']);
  return (pin.etag !== undefined && etag === pin.etag) || (pin.etag === undefined && pin.lastModified !== undefined && lastModified === pin.lastModified);
}

/** Exactly `want` bytes: stops reading there, and a body that ends sooner is a truncated transfer. */
async function* exactly(source: AsyncIterable<Buffer>, want: number, body: Readable): AsyncGenerator<Buffer> {
  let left = want;
  try {
    for await (const chunk of source) {
      if (chunk.length >= left) {
        yield chunk.subarray(0, left);
        left = 0;
        return;
      }
      left -= chunk.length;
      yield chunk;
    }
    if (left > 0) throw FetchError.connection('ECONNRESET');
  } finally {
    body.destroy();
  }
}
