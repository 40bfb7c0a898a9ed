/**
 * Every kind of ZIP source behind one `SourceOpener`: http(s) URLs through
 * the SSRF-safe fetcher, stored objects (`s3://`) through `objects`. A new
 * kind of source is one more branch here, never in the use cases.
 */
import { FetchError, openSource, type OpenOptions } from '../core/fetch';
import { isObjectUrl } from '../core/objects';
import type { SourceOpener } from '../core/sources';

/** The fetcher's settings for source URLs (everything but what each request sets). */
export type UrlFetchOptions = Omit<OpenOptions, 'maxBytes' | 'maxDurationMs' | 'rangeStart' | 'ifRange'>;

/** Without `objects`, `s3://` sources fail as an unsupported protocol. */
export function entrySources(fetch: UrlFetchOptions, objects?: SourceOpener): SourceOpener {
  return async (source, req) => {
    if (isObjectUrl(source.url)) {
      if (!objects) throw FetchError.unsupportedProtocol();
      return objects(source, req);
    }
    return openSource(source.url, {
      ...fetch,
      ...(req.maxDurationMs !== undefined && { maxDurationMs: req.maxDurationMs }),
      maxBytes: req.maxBytes,
      ...(req.rangeStart ? { rangeStart: req.rangeStart, ...(req.ifRange && { ifRange: req.ifRange }) } : {}),
    });
  };
}
