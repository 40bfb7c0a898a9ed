/** The SSRF-safe fetcher: streaming sources for BuildZip, size probes for Prepare. */
export { isPublicAddress, isPublicIPv4, isPublicIPv6, ipFamily, parseIPv4, parseIPv6 } from './address';
export { parseContentDisposition } from '../content-disposition';
export { FetchError, toFetchError, type FetchErrorKind } from './errors';
export { openSource, type OpenOptions, type OpenedSource } from './open';
export { openPinned, type PinnedBody, type PinnedOptions, type PinnedVersion } from './pinned';
export { probe, type ProbeOptions, type ProbeResult } from './probe';
export { postOnce, type PostOptions, type PostResult } from './post';
export type { RequestOptions } from './redirects';
export { systemLookup, type LookupFn, type ResolvedAddress } from './target';
