/**
 * Fetching one entry's bytes for BuildZip: opening with bounded retries
 * (honouring Retry-After), and a body that survives a retryable failure
 * mid-transfer by asking for the rest with Range (+ If-Range), a bounded
 * number of times. A source that cannot resume fails with the original error
 * (or `range-not-honoured`), and the caller restarts the entry from byte 0.
 */
import { FetchError, type OpenedSource } from '../../core/fetch';
import type { SourceOpener, SourceRef } from '../../core/sources';
import { timeLeft } from './entry-limits';

export interface SourceDeps {
  /** Opens every kind of source (URLs, stored objects). */
  readonly sources: SourceOpener;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Attempts to open a source (1 + retries). */
export const OPEN_ATTEMPTS = 3;
/**
 * Second chances per entry after a failure mid-body: a Range re-request or a
 * restart from byte 0 each take one, so a source that keeps stalling costs
 * at most (1 + this) idle timeouts.
 */
export const ENTRY_RETRIES = 3;

/** An entry's remaining second chances, shared by its Range resumes and its restarts. */
export interface RetryAllowance {
  left: number;
}
/** Longest wait between attempts, even if Retry-After asks for more. */
export const MAX_RETRY_WAIT_MS = 10_000;

export const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Jittered exponential backoff, at least the server's Retry-After, at most MAX_RETRY_WAIT_MS. */
export function retryDelay(attempt: number, error: FetchError): number {
  const backoff = 250 * 2 ** attempt * (0.5 + Math.random() / 2);
  return Math.min(MAX_RETRY_WAIT_MS, Math.max(backoff, error.retryAfterMs ?? 0));
}

/** A resumable request never retries a refused range (starting over is the caller's call). */
const retryable = (error: unknown): error is FetchError =>
  error instanceof FetchError && error.retryable && error.kind !== 'range-not-honoured';

export interface OpenRequest {
  readonly maxBytes: number;
  readonly rangeStart?: number;
  readonly ifRange?: string;
  /** Epoch ms by which the file must be fetched (the per-file time limit): `timeout` after it. */
  readonly deadline?: number;
}

/** One attempt at opening a source; its body is held to the file's time left. */
async function openOnce(deps: SourceDeps, source: SourceRef, req: OpenRequest): Promise<OpenedSource> {
  const maxDurationMs = timeLeft(req.deadline);
  const { deadline: _, ...rest } = req;
  return deps.sources(source, { ...rest, ...(maxDurationMs !== undefined && { maxDurationMs }) });
}

export async function openWithRetry(deps: SourceDeps, source: SourceRef, req: OpenRequest): Promise<OpenedSource> {
  const sleep = deps.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await openOnce(deps, source, req);
    } catch (error) {
      if (!retryable(error) || attempt >= OPEN_ATTEMPTS) throw error;
      await sleep(retryDelay(attempt, error));
    }
  }
}

/** What to send as If-Range: a strong ETag, else Last-Modified (weak ETags are not allowed there). */
export function rangeValidator(source: OpenedSource): string | undefined {
  if (source.etag && !source.etag.startsWith('W/')) return source.etag;
  return source.lastModified;
}

/**
 * The bytes of `first` (which starts at byte `startAt` of the resource), then,
 * after a retryable failure, of Range requests for the rest. Closing the
 * iterator early (a pause) releases the connection.
 */
export async function* resumingBody(
  deps: SourceDeps,
  source: SourceRef,
  first: OpenedSource,
  startAt: number,
  maxBytes: number,
  validator: string | undefined,
  allowance: RetryAllowance,
  deadline?: number,
): AsyncGenerator<Buffer> {
  const sleep = deps.sleep ?? defaultSleep;
  let current = first;
  let position = startAt;
  try {
    for (;;) {
      try {
        for await (const chunk of current.body as AsyncIterable<Buffer>) {
          position += chunk.length;
          yield chunk;
        }
        return;
      } catch (error) {
        const canResume = retryable(error) && (first.acceptsRanges || position === 0) && allowance.left > 0;
        if (!canResume) throw error;
        allowance.left--;
        current.body.destroy();
        await sleep(retryDelay(ENTRY_RETRIES - allowance.left, error));
        current = await openWithRetry(deps, source, { maxBytes, rangeStart: position, ...(validator && { ifRange: validator }), ...(deadline !== undefined && { deadline }) });
      }
    }
  } finally {
    current.body.destroy();
  }
}
