import type { UsageStore } from '../adapters/usage-store';
import { RateLimitedError } from '../core/errors';
import type { Plan } from '../core/plans';
import { RATE_WINDOW_SECONDS, rateWindow } from '../core/rate-window';

/**
 * Counts one request against the tenant's plan (requests per minute): an API
 * request or a schedule run. Over the limit: 429 RATE_LIMITED with the
 * seconds until the minute turns.
 */
export async function admitRequest(usage: UsageStore, tenant: { id: string; plan: Plan }, now: number): Promise<void> {
  const window = rateWindow(now);
  if (await usage.admit(tenant.id, window.startSeconds, RATE_WINDOW_SECONDS, tenant.plan.requests_per_minute)) return;
  throw new RateLimitedError(`too many requests: at most ${tenant.plan.requests_per_minute} a minute on plan ${tenant.plan.name}`, window.retryAfterSeconds);
}

/**
 * Counts one started download request against its link (a download token or
 * a ZipBall's id), which needs no API key and so no tenant's rate applies.
 * `perMinute` must leave room for a download manager's parallel Range
 * requests and their retries; 0 turns the limit off.
 */
export async function admitDownload(usage: Pick<UsageStore, 'admitDownload'>, credential: string, perMinute: number, now: number): Promise<void> {
  if (perMinute === 0) return;
  const window = rateWindow(now);
  if (await usage.admitDownload(credential, window.startSeconds, RATE_WINDOW_SECONDS, perMinute)) return;
  throw new RateLimitedError(`too many requests for this download link: at most ${perMinute} a minute`, window.retryAfterSeconds);
}
