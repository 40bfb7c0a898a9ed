/** openSource: a checked, limited, streaming GET of one source URL. */
import type { Readable } from 'node:stream';
import { SourceBody, type MinimumRate } from './body';
import { parseContentDisposition } from '../content-disposition';
import { FetchError } from './errors';
import { acceptsByteRanges, parseContentLength, parseContentRange, parseRetryAfter } from './headers';
import { discard, followRedirects, type RequestOptions } from './redirects';

export interface OpenOptions extends RequestOptions {
  /** No body bytes for this long while we wait for them: `timeout`. */
  idleTimeoutMs: number;
  /** Slower than this while we wait for it: `timeout`. */
  minRate?: MinimumRate;
  /** The body must be over within this long of the response: `timeout`. */
  maxDurationMs?: number;
  /**
   * Cap on the resource's size. With `rangeStart`, bytes at positions
   * ≥ maxBytes are what is refused, so the body may carry maxBytes - rangeStart.
   */
  maxBytes: number;
  /** Resume: sends `Range: bytes=N-` and requires a 206 starting at N. */
  rangeStart?: number;
  /** ETag or Last-Modified from the first attempt, sent as If-Range with a resume. */
  ifRange?: string;
}

export interface OpenedSource {
  /** The URL after redirects. */
  url: string;
  status: number;
  /** Bytes the body will carry, when announced. */
  contentLength?: number;
  /** Size of the whole resource, when known (a 200's length or a 206's total). */
  totalSize?: number;
  filename?: string;
  acceptsRanges: boolean;
  etag?: string;
  lastModified?: string;
  body: Readable;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export async function openSource(input: string | URL, options: OpenOptions): Promise<OpenedSource> {
  const start = options.rangeStart ?? 0;
  if (!Number.isSafeInteger(start) || start < 0) throw new RangeError('rangeStart must be a non-negative integer');
  const extra: Record<string, string> = {};
  if (start > 0) {
    extra.range = `bytes=${start}-`;
    if (options.ifRange) extra['if-range'] = options.ifRange;
  }
  if (start >= options.maxBytes && start > 0) throw FetchError.tooLarge();

  const hop = await followRedirects(input, 'GET', extra, options);
  const { res } = hop;
  const status = res.statusCode ?? 0;
  const contentLength = parseContentLength(res.headers);
  let totalSize: number | undefined;

  if (start > 0) {
    const range = status === 206 ? parseContentRange(res.headers['content-range']) : undefined;
    const consistent =
      range !== undefined &&
      range.start === start &&
      (contentLength === undefined || contentLength === range.end - range.start + 1);
    if (!consistent && (status === 200 || status === 206 || status === 416)) {
      discard(hop);
      throw FetchError.rangeNotHonoured(status);
    }
    totalSize = range?.total;
  } else if (status >= 200 && status < 300) {
    totalSize = contentLength;
  }
  if (status < 200 || status >= 300) {
    discard(hop);
    const retryAfter = status === 429 || status === 503 ? parseRetryAfter(res.headers) : undefined;
    throw FetchError.http(status, retryAfter);
  }

  const allowance = options.maxBytes - start;
  if (contentLength !== undefined && contentLength > allowance) {
    discard(hop);
    throw FetchError.tooLarge();
  }

  const filename = parseContentDisposition(header(res.headers['content-disposition']));
  const etag = header(res.headers.etag);
  const lastModified = header(res.headers['last-modified']);
  const body = new SourceBody(hop.req, res, hop.wire, {
    idleTimeoutMs: options.idleTimeoutMs,
    ...(options.minRate && { minRate: options.minRate }),
    ...(options.maxDurationMs !== undefined && { maxDurationMs: options.maxDurationMs }),
    maxBytes: allowance,
    // With Transfer-Encoding the length on the wire is not the body's length.
    expectedLength: res.headers['transfer-encoding'] ? undefined : contentLength,
    signal: options.signal,
  });
  return {
    url: hop.url.href,
    status,
    ...(contentLength !== undefined ? { contentLength } : {}),
    ...(totalSize !== undefined ? { totalSize } : {}),
    ...(filename !== undefined ? { filename } : {}),
    acceptsRanges: status === 206 || acceptsByteRanges(res.headers),
    ...(etag !== undefined ? { etag } : {}),
    ...(lastModified !== undefined ? { lastModified } : {}),
    body,
  };
}
