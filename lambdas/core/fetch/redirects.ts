/**
 * Follows redirects hop by hop; every hop goes through sendHop, so every
 * hop's address is resolved and checked again.
 */
import { FetchError } from './errors';
import { sendHop, type Hop, type HopOptions } from './hop';
import { addressPolicy, parseSourceUrl, systemLookup, type LookupFn } from './target';

/** Options shared by openSource and probe. */
export interface RequestOptions {
  /** Lets private, loopback and link-local targets through (local stack only). */
  allowPrivateAddresses: boolean;
  /**
   * Replaces the policy allowPrivateAddresses selects (public unicast only, or
   * anything): for a deployment that must reach one internal range, and tests.
   */
  addressPolicy?: (ip: string) => boolean;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  /** Default 5: five redirects are followed, a sixth fails. */
  maxRedirects?: number;
  userAgent: string;
  /** DNS resolution; defaults to the system resolver. */
  lookup?: LookupFn;
  signal?: AbortSignal;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export interface FinalHop extends Hop {
  url: URL;
}

export async function followRedirects(
  input: string | URL,
  method: 'GET' | 'HEAD',
  extraHeaders: Record<string, string>,
  options: RequestOptions,
): Promise<FinalHop> {
  const maxRedirects = options.maxRedirects ?? 5;
  const hopOptions: HopOptions = {
    method,
    headers: { 'user-agent': options.userAgent, 'accept-encoding': 'identity', ...extraHeaders },
    isAllowedAddress: addressPolicy(options),
    lookup: options.lookup ?? systemLookup,
    connectTimeoutMs: options.connectTimeoutMs,
    headersTimeoutMs: options.headersTimeoutMs,
    signal: options.signal,
  };
  let url = parseSourceUrl(input);
  for (let redirects = 0; ; redirects++) {
    const hop = await sendHop(url, hopOptions);
    const status = hop.res.statusCode ?? 0;
    const location = hop.res.headers.location;
    if (!REDIRECTS.has(status) || !location) return { ...hop, url };
    // The redirect's body is never read.
    hop.req.destroy();
    hop.res.destroy();
    if (redirects >= maxRedirects) throw FetchError.tooManyRedirects();
    url = parseSourceUrl(location, url);
  }
}

/** Releases a response we are not going to read. */
export function discard(hop: Hop): void {
  hop.req.destroy();
  hop.res.destroy();
}
