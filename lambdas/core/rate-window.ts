/**
 * Every per-minute limit (a tenant's requests, a download link's requests)
 * counts in fixed windows that start on the minute: one counter item per
 * window, so a count is one conditional update and the item expires by TTL.
 */
export const RATE_WINDOW_SECONDS = 60;

export interface RateWindow {
  /** The window's start, epoch seconds (a multiple of 60). */
  readonly startSeconds: number;
  /** Seconds until the next window, at least 1: a refusal's `Retry-After`. */
  readonly retryAfterSeconds: number;
}

/** The window the instant `nowMs` (epoch ms) falls in. */
export function rateWindow(nowMs: number): RateWindow {
  const startSeconds = Math.floor(nowMs / (RATE_WINDOW_SECONDS * 1000)) * RATE_WINDOW_SECONDS;
  return { startSeconds, retryAfterSeconds: Math.max(1, startSeconds + RATE_WINDOW_SECONDS - Math.floor(nowMs / 1000)) };
}
