/**
 * URL validation and the single DNS resolution of a hop: the addresses
 * returned here are the only ones the request may connect to.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { ipFamily, isPublicAddress } from './address';
import { FetchError, toFetchError } from './errors';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has. Injectable for tests. */
export type LookupFn = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemLookup: LookupFn = async (hostname) => {
  const found = await dnsLookup(hostname, { all: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/** Parses and checks a source URL: absolute, http or https. */
export function parseSourceUrl(input: string | URL, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(input, base);
  } catch {
    throw FetchError.invalidUrl();
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw FetchError.unsupportedProtocol();
  if (url.hostname === '') throw FetchError.invalidUrl();
  return url;
}

/** The host name without IPv6 brackets, as sockets and TLS want it. */
export function bareHostname(url: URL): string {
  const h = url.hostname;
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

/**
 * The WHATWG parser turns every IPv4 notation (decimal, octal, hex, short
 * forms, percent-encoded, full-width digits) into a dotted quad and rejects
 * any other host ending in a number. A host that still looks numeric was not
 * normalised by whatever produced it, so it is refused rather than guessed at.
 */
function looksNumeric(host: string): boolean {
  const last = host.replace(/\.$/, '').split('.').pop() ?? '';
  return /^(0x[0-9a-f]*|[0-9]+)$/i.test(last);
}

/**
 * Resolves the URL's host once and checks every address. Throws
 * `blocked address` before any connection is attempted.
 */
export async function resolveTarget(
  url: URL,
  lookup: LookupFn,
  isAllowedAddress: (ip: string) => boolean,
): Promise<ResolvedAddress[]> {
  const host = bareHostname(url);
  const family = ipFamily(host);
  let addresses: ResolvedAddress[];
  if (family !== 0) {
    addresses = [{ address: host, family }];
  } else if (url.hostname.startsWith('[') || looksNumeric(host)) {
    throw FetchError.blocked();
  } else {
    try {
      addresses = await lookup(host);
    } catch (err) {
      throw toFetchError(err);
    }
    if (addresses.length === 0) throw FetchError.connection('ENOTFOUND');
  }
  for (const a of addresses) {
    // A lookup returning something that is not an IP literal is treated as hostile.
    if (ipFamily(a.address) === 0) throw FetchError.blocked();
    if (!isAllowedAddress(a.address)) throw FetchError.blocked();
  }
  return addresses.map((a) => ({ address: a.address, family: ipFamily(a.address) as 4 | 6 }));
}

/** The address policy: public unicast only, unless private targets are allowed. */
export function addressPolicy(options: {
  allowPrivateAddresses: boolean;
  addressPolicy?: (ip: string) => boolean;
}): (ip: string) => boolean {
  if (options.addressPolicy) return options.addressPolicy;
  return options.allowPrivateAddresses ? () => true : isPublicAddress;
}
