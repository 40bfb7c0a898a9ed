/**
 * probe: learns a source's size for the packer. HEAD first; when HEAD is
 * refused or carries no length, a one-byte range GET whose body is dropped.
 */
import { parseContentDisposition } from '../content-disposition';
import { FetchError } from './errors';
import { acceptsByteRanges, parseContentLength, parseContentRange, parseRetryAfter } from './headers';
import { discard, followRedirects, type FinalHop, type RequestOptions } from './redirects';

export type ProbeOptions = RequestOptions;

export interface ProbeResult {
  size?: number;
  filename?: string;
  acceptsRanges: boolean;
  /** The URL after redirects, when it differs from the one probed. */
  url?: string;
  /** Validators of the version probed, pinned by stream jobs. */
  etag?: string;
  lastModified?: string;
}

// 405/501: HEAD not implemented. 403: URLs presigned for GET (S3 and the
// like) refuse HEAD because the method is part of the signature.
const HEAD_REFUSED = new Set([403, 405, 501]);

function httpError(hop: FinalHop): FetchError {
  const status = hop.res.statusCode ?? 0;
  const retryAfter = status === 429 || status === 503 ? parseRetryAfter(hop.res.headers) : undefined;
  return FetchError.http(status, retryAfter);
}

function filenameOf(hop: FinalHop): string | undefined {
  const raw = hop.res.headers['content-disposition'];
  return parseContentDisposition(Array.isArray(raw) ? raw[0] : raw);
}

/** The validators of the version answered, and the URL it was answered at when a redirect led there. */
function validators(hop: FinalHop, input: string | URL): Pick<ProbeResult, 'url' | 'etag' | 'lastModified'> {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const etag = first(hop.res.headers.etag);
  const lastModified = first(hop.res.headers['last-modified']);
  const redirected = hop.url.href !== new URL(input).href;
  return { ...(redirected && { url: hop.url.href }), ...(etag !== undefined && { etag }), ...(lastModified !== undefined && { lastModified }) };
}

function isSuccess(hop: FinalHop): boolean {
  const status = hop.res.statusCode ?? 0;
  return status >= 200 && status < 300;
}

export async function probe(input: string | URL, options: ProbeOptions): Promise<ProbeResult> {
  const head = await followRedirects(input, 'HEAD', {}, options);
  discard(head);
  const headStatus = head.res.statusCode ?? 0;
  let filename: string | undefined;
  let acceptsRanges = false;
  if (isSuccess(head)) {
    filename = filenameOf(head);
    acceptsRanges = acceptsByteRanges(head.res.headers);
    const size = parseContentLength(head.res.headers);
    if (size !== undefined) return { size, ...(filename !== undefined ? { filename } : {}), acceptsRanges, ...validators(head, input) };
  } else if (!HEAD_REFUSED.has(headStatus)) {
    throw httpError(head);
  }

  const get = await followRedirects(input, 'GET', { range: 'bytes=0-0' }, options);
  discard(get);
  if (!isSuccess(get)) throw httpError(get);
  const status = get.res.statusCode;
  filename ??= filenameOf(get);
  let size: number | undefined;
  if (status === 206) {
    acceptsRanges = true;
    size = parseContentRange(get.res.headers['content-range'])?.total;
  } else {
    acceptsRanges ||= acceptsByteRanges(get.res.headers);
    size = parseContentLength(get.res.headers);
  }
  return {
    ...(size !== undefined ? { size } : {}),
    ...(filename !== undefined ? { filename } : {}),
    acceptsRanges,
    ...validators(get, input),
  };
}
