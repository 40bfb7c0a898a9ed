import type { TenantWebhook, WebhookStore } from '../adapters/webhook-store';
import type { WebhookSettingsView } from '../core/api/responses';
import { parseOrThrow, invalidField } from '../core/validation';
import { newWebhookSecret } from '../core/webhooks/signing';
import { webhookSettingsRequestSchema } from '../core/webhooks/settings-request';
import { webhookUrlProblem, type WebhookUrlPolicy } from '../core/webhooks/url';

export interface WebhookSettingsDeps {
  readonly webhooks: WebhookStore;
  readonly now: () => Date;
  readonly randomBytes: (size: number) => Buffer;
}

/** After a rotation, deliveries carry a signature with the old secret too, for this long. */
export const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

/** The tenant's settings, created (with a new secret and no URL) on first use. */
export async function tenantWebhook(deps: WebhookSettingsDeps, tenantId: string): Promise<TenantWebhook> {
  const stored = await deps.webhooks.getTenant(tenantId);
  if (stored) return stored;
  return deps.webhooks.createTenant({
    tenant_id: tenantId,
    url: null,
    secret: newWebhookSecret(deps.randomBytes),
    updated_at: deps.now().toISOString(),
  });
}

/** The secrets a delivery is signed with: the current one, and the rotated-out one while it overlaps. */
export function signingSecrets(settings: TenantWebhook, now: Date): string[] {
  const overlapping = settings.previous_secret && settings.previous_until && Date.parse(settings.previous_until) > now.getTime();
  return overlapping ? [settings.secret, settings.previous_secret!] : [settings.secret];
}

const view = (settings: TenantWebhook): WebhookSettingsView => ({ url: settings.url, secret: settings.secret });

/** `GET /settings/webhook`. */
export async function readWebhookSettings(deps: WebhookSettingsDeps, tenantId: string) {
  return view(await tenantWebhook(deps, tenantId));
}

/** Applies `change` to the stored settings, again if a concurrent write got there first. */
async function update(deps: WebhookSettingsDeps, tenantId: string, change: (current: TenantWebhook) => TenantWebhook) {
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await tenantWebhook(deps, tenantId);
    const next = change(current);
    if (await deps.webhooks.replaceTenant(next, current.secret)) return next;
  }
  throw new Error('webhook settings: too many concurrent changes');
}

/** `PUT /settings/webhook` `{url}`: sets (or with null clears) the tenant's default URL. */
export async function updateWebhookSettings(deps: WebhookSettingsDeps, tenantId: string, input: unknown, policy: WebhookUrlPolicy) {
  const { url } = parseOrThrow(webhookSettingsRequestSchema, input);
  if (url !== null) {
    const problem = webhookUrlProblem(url, policy);
    if (problem) throw invalidField('url', problem);
  }
  const updatedAt = deps.now().toISOString();
  return view(await update(deps, tenantId, (current) => ({ ...current, url, updated_at: updatedAt })));
}

/** `POST /settings/webhook/rotate`: a new secret; the old one keeps signing for a day alongside it. */
export async function rotateWebhookSecret(deps: WebhookSettingsDeps, tenantId: string) {
  const now = deps.now();
  return view(
    await update(deps, tenantId, (current) => ({
      ...current,
      secret: newWebhookSecret(deps.randomBytes),
      previous_secret: current.secret,
      previous_until: new Date(now.getTime() + ROTATION_OVERLAP_MS).toISOString(),
      updated_at: now.toISOString(),
    })),
  );
}
