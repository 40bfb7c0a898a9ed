import type { UsageStore } from '../adapters/usage-store';
import { RateLimitedError } from '../core/errors';
import type { Plan } from '../core/plans';

/**
 * Counts one request against the tenant's plan (requests per minute): an API
 * request or a schedule run. Over the limit: 429 RATE_LIMITED with the
 * seconds until the minute turns.
 */
export async function admitRequest(usage: UsageStore, tenant: { id: string; plan: Plan }, now: number): Promise<void> {
  const windowStart = Math.floor(now / 60_000) * 60;
  if (await usage.admit(tenant.id, windowStart, 60, tenant.plan.requests_per_minute)) return;
  const retryAfter = Math.max(1, windowStart + 60 - Math.floor(now / 1000));
  throw new RateLimitedError(`too many requests: at most ${tenant.plan.requests_per_minute} a minute on plan ${tenant.plan.name}`, retryAfter);
}
