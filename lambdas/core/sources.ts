/**
 * A ZIP entry's source as the pipeline sees it, whatever it is: an http(s)
 * URL or a stored object (`s3://<bucket_name>/<key>`). Adapters open it; use
 * cases see only a `SourceOpener`, so a new kind of source is a new adapter.
 */
import type { OpenedSource } from './fetch';
import type { ObjectPin } from './objects';

export interface SourceRef {
  readonly url: string;
  /** The job's tenant: its stored objects are read from its own buckets. */
  readonly tenant_id: string;
  /** A stored object's version and ETag, pinned when the job was prepared. */
  readonly object?: ObjectPin;
}

export interface SourceRequest {
  /** Most bytes the whole source may have: a larger one fails as `too large`. */
  readonly maxBytes: number;
  readonly rangeStart?: number;
  /** Where a ranged read ends (exclusive); open-ended without it. */
  readonly rangeEnd?: number;
  /** The validator of the first open, sent with a resume (If-Range to a URL, If-Match to a stored object). */
  readonly ifRange?: string;
  /** Most time the body may take (what is left of the per-file time limit). */
  readonly maxDurationMs?: number;
}

/** Opens a source; every failure is a FetchError, so callers treat every kind alike. */
export type SourceOpener = (source: SourceRef, req: SourceRequest) => Promise<OpenedSource>;
