/**
 * A job's webhook delivery: its state on the job record, what one attempt's
 * result means, and how long to wait before the next one. Pure; the clock and
 * the jitter are handed in.
 */
import type { WebhookOutcome } from '../metrics';

export type WebhookStatus = 'pending' | 'delivered' | 'failed' | 'gone';

export interface WebhookDelivery {
  /** The `webhook-id`: the same on every attempt of one message. */
  readonly id: string;
  readonly status: WebhookStatus;
  readonly attempts: number;
  readonly last_error: string | null;
  readonly last_attempt_at: string | null;
}

/** Attempts per message: with the backoff below, the last one is ~5–6 h after the first. */
export const MAX_WEBHOOK_ATTEMPTS = 8;
const FIRST_WAIT_SECONDS = 15;
const MAX_WAIT_SECONDS = 2 * 3600;

/** One message per job run: a retried job notifies again, under a new id. */
export const webhookMessageId = (jobId: string, run: number) => `msg_${jobId.replace(/-/g, '')}_${run}`;

export type WebhookEventType = 'job.completed' | 'job.failed';

export function webhookMessage(type: WebhookEventType, timestamp: string, data: unknown): string {
  return JSON.stringify({ type, timestamp, data });
}

/** What one POST came to. `permanent`: retrying cannot help (a blocked or malformed URL). */
export type AttemptOutcome =
  | { readonly kind: 'response'; readonly status: number; readonly retryAfterSeconds?: number }
  | { readonly kind: 'error'; readonly error: string; readonly permanent: boolean };

/**
 * Seconds to wait after the `attempt`-th failed attempt (1-based): 15 s × 4^(n-1),
 * at most 2 h, ±20 % jitter (`random` in [0, 1)), and never less than a
 * Retry-After the receiver asked for (up to the same cap).
 */
export function webhookBackoffSeconds(attempt: number, random: number, retryAfterSeconds = 0): number {
  const base = Math.min(MAX_WAIT_SECONDS, FIRST_WAIT_SECONDS * 4 ** (attempt - 1));
  const jittered = Math.round(base * (0.8 + 0.4 * random));
  return Math.max(1, Math.min(MAX_WAIT_SECONDS, Math.max(jittered, retryAfterSeconds)));
}

export interface NextStep {
  readonly delivery: WebhookDelivery;
  /** Set while another attempt is due: wait this long first. */
  readonly waitSeconds?: number;
}

/** The delivery after one more attempt: 2xx delivered, 410 gone, else retried up to the bound. */
export function afterAttempt(
  previous: Pick<WebhookDelivery, 'id' | 'attempts'>,
  outcome: AttemptOutcome,
  at: { now: Date; random: number },
): NextStep {
  const attempts = previous.attempts + 1;
  const base = { id: previous.id, attempts, last_attempt_at: at.now.toISOString() };
  if (outcome.kind === 'response' && outcome.status >= 200 && outcome.status < 300) {
    return { delivery: { ...base, status: 'delivered', last_error: null } };
  }
  const error = outcome.kind === 'response' ? `HTTP ${outcome.status}` : outcome.error;
  if (outcome.kind === 'response' && outcome.status === 410) return { delivery: { ...base, status: 'gone', last_error: error } };
  if ((outcome.kind === 'error' && outcome.permanent) || attempts >= MAX_WEBHOOK_ATTEMPTS) {
    return { delivery: { ...base, status: 'failed', last_error: error } };
  }
  const retryAfter = outcome.kind === 'response' ? outcome.retryAfterSeconds : undefined;
  return {
    delivery: { ...base, status: 'pending', last_error: error },
    waitSeconds: webhookBackoffSeconds(attempts, at.random, retryAfter),
  };
}

export const isFinalDelivery = (delivery: WebhookDelivery) => delivery.status !== 'pending';

/** An attempt's result as counted: a pending delivery is being retried. */
export const deliveryOutcome = (delivery: WebhookDelivery): WebhookOutcome => (delivery.status === 'pending' ? 'retrying' : delivery.status);
