import { z } from 'zod';

/** The body of `PUT /settings/webhook`: the tenant's default URL, or null to clear it. */
export const webhookSettingsRequestSchema = z.strictObject(
  { url: z.string({ error: 'must be a URL string or null' }).nullable() },
  { error: 'the body must be a JSON object' },
);

export type WebhookSettingsRequest = z.infer<typeof webhookSettingsRequestSchema>;
