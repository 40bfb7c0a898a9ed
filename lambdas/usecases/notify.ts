import { log } from '../adapters/log';
import type { OperationalMetrics } from '../core/metrics';
import type { WebhookStore } from '../adapters/webhook-store';
import { FetchError, type PostResult } from '../core/fetch';
import { isTerminal } from '../core/jobs/model';
import { afterAttempt, deliveryOutcome, webhookMessage, webhookMessageId, type AttemptOutcome } from '../core/webhooks/delivery';
import { signedHeaders } from '../core/webhooks/signing';
import { webhookUrlProblem, type WebhookUrlPolicy } from '../core/webhooks/url';
import { getJob, type ReadJobDeps } from './read-job';
import { signingSecrets, tenantWebhook } from './webhook-settings';

export interface NotifyDeps extends ReadJobDeps {
  readonly webhooks: WebhookStore;
  /** Base URL for the download links in the body. */
  readonly baseUrl: string;
  readonly policy: WebhookUrlPolicy;
  /** One checked POST (the SSRF-safe fetcher's postOnce, with its timeouts). */
  readonly post: (url: string, body: string, headers: Record<string, string>) => Promise<PostResult>;
  readonly random: () => number;
  readonly randomBytes: (size: number) => Buffer;
  readonly metrics?: OperationalMetrics;
}

/** What the state machine loops on: done, or wait this long and call Notify again. */
export interface NotifyResult {
  readonly done: boolean;
  readonly wait_seconds: number;
}

const DONE: NotifyResult = { done: true, wait_seconds: 0 };

// Retrying cannot make these pass: the URL itself is refused.
const PERMANENT_KINDS = new Set(['blocked', 'invalid-url', 'protocol']);

async function attempt(deps: NotifyDeps, url: string, body: string, headers: Record<string, string>): Promise<AttemptOutcome> {
  try {
    const { status, retryAfterMs } = await deps.post(url, body, headers);
    return retryAfterMs === undefined ? { kind: 'response', status } : { kind: 'response', status, retryAfterSeconds: Math.ceil(retryAfterMs / 1000) };
  } catch (error) {
    if (error instanceof FetchError) return { kind: 'error', error: error.message, permanent: PERMANENT_KINDS.has(error.kind) };
    throw error;
  }
}

/**
 * Notify: one attempt at the job's webhook (its own `webhook_url`, else the
 * tenant's default). Signed per Standard Webhooks with the same webhook-id on
 * every attempt; the outcome is recorded on the job. The state machine waits
 * `wait_seconds` between attempts, so no Lambda ever sleeps; nothing here fails the job.
 */
export async function notify(deps: NotifyDeps, jobId: string): Promise<NotifyResult> {
  const job = await deps.store.getJob(jobId);
  if (!job || !isTerminal(job.status)) return DONE;
  log.appendKeys({ tenant: job.tenant_id });
  const stored = await deps.webhooks.getTenant(job.tenant_id);
  const url = job.options.webhook_url ?? stored?.url;
  if (!url) return DONE;
  // A job's own URL may be the tenant's first use of webhooks: the secret is created then.
  const settings = stored ?? (await tenantWebhook(deps, job.tenant_id));

  const id = webhookMessageId(job.id, job.run);
  const previous = job.webhook?.id === id ? job.webhook : { id, attempts: 0 };
  if (job.webhook?.id === id && job.webhook.status !== 'pending') return DONE; // a repeated run of a finished delivery

  const now = deps.now();
  const problem = webhookUrlProblem(url, deps.policy);
  let outcome: AttemptOutcome;
  if (problem) {
    outcome = { kind: 'error', error: `webhook URL ${problem}`, permanent: true };
  } else {
    const data = await getJob(deps, job.tenant_id, job.id, deps.baseUrl);
    const type = job.status === 'completed' ? 'job.completed' : 'job.failed';
    const body = webhookMessage(type, job.completed_at ?? now.toISOString(), data);
    const headers = signedHeaders(signingSecrets(settings, now), id, Math.floor(now.getTime() / 1000), body);
    outcome = await attempt(deps, url, body, { 'content-type': 'application/json', ...headers });
  }
  const next = afterAttempt(previous, outcome, { now: deps.now(), random: deps.random() });
  await deps.webhooks.recordDelivery(job.id, next.delivery);
  deps.metrics?.webhookAttempted(deliveryOutcome(next.delivery));
  return next.waitSeconds === undefined ? DONE : { done: false, wait_seconds: next.waitSeconds };
}
