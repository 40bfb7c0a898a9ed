/**
 * postOnce: one checked POST (webhook deliveries). Same address checks and
 * pinned connection as every other request of the fetcher; redirects are not
 * followed (a 3xx is just the answer) and the response body is never read.
 */
import { FetchError } from './errors';
import { parseRetryAfter } from './headers';
import { sendHop } from './hop';
import { discard, type RequestOptions } from './redirects';
import { addressPolicy, parseSourceUrl, systemLookup } from './target';

export interface PostOptions extends Omit<RequestOptions, 'maxRedirects'> {
  /** Bound on the whole request, DNS to response headers: `timeout` past it. */
  timeoutMs: number;
}

export interface PostResult {
  status: number;
  /** From a `Retry-After` header, when the receiver sent one. */
  retryAfterMs?: number;
}

export async function postOnce(
  input: string | URL,
  body: string,
  headers: Record<string, string>,
  options: PostOptions,
): Promise<PostResult> {
  const url = parseSourceUrl(input);
  const payload = Buffer.from(body, 'utf8');
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  try {
    const hop = await sendHop(url, {
      method: 'POST',
      headers: { 'user-agent': options.userAgent, 'content-length': String(payload.length), ...headers },
      body: payload,
      isAllowedAddress: addressPolicy(options),
      lookup: options.lookup ?? systemLookup,
      connectTimeoutMs: options.connectTimeoutMs,
      headersTimeoutMs: options.headersTimeoutMs,
      signal,
    });
    const status = hop.res.statusCode ?? 0;
    const retryAfterMs = parseRetryAfter(hop.res.headers);
    discard(hop);
    return retryAfterMs === undefined ? { status } : { status, retryAfterMs };
  } catch (error) {
    if (deadline.aborted && !options.signal?.aborted) throw FetchError.timeout();
    throw error;
  }
}
