import { z } from 'zod';

/**
 * What a tenant's plan allows. Plans are configured at deploy time (the
 * stack's `plans`, handed to the API functions as PLANS); a key names its
 * plan, and an unknown name falls back to the default.
 */
export const planSchema = z.strictObject({
  name: z.string().min(1).max(64),
  /** Files (URLs) in one job. */
  max_files_per_job: z.number().int().min(1),
  /** Largest `expires_in`. */
  max_retention_seconds: z.number().int().min(300),
  /** Largest `max_zip_size_bytes`, and the most any one ZIP may hold. */
  max_zip_size_bytes: z.number().int().min(104_857_600),
  /** Stored ZIPs per calendar month, in GB-days (GB kept × days kept). */
  monthly_stored_gb_days: z.number().min(0),
  /** Bytes served in stream mode per calendar month, in GB. */
  monthly_stream_gb: z.number().min(0),
  /** API requests per minute per tenant. */
  requests_per_minute: z.number().int().min(1),
});

export type Plan = z.infer<typeof planSchema>;

export const DEFAULT_PLAN: Plan = {
  name: 'standard',
  max_files_per_job: 25_000,
  max_retention_seconds: 30 * 86_400,
  max_zip_size_bytes: 536_870_912_000,
  monthly_stored_gb_days: 100_000,
  monthly_stream_gb: 10_000,
  requests_per_minute: 600,
};

export const plansSchema = z.array(planSchema).min(1);

/** Parses the deploy-time plan list (JSON); absent means the default plan only. */
export function parsePlans(json: string | undefined): Plan[] {
  if (!json) return [DEFAULT_PLAN];
  return plansSchema.parse(JSON.parse(json));
}

export function planNamed(name: string, plans: readonly Plan[] = [DEFAULT_PLAN]): Plan {
  return plans.find((p) => p.name === name) ?? plans.find((p) => p.name === DEFAULT_PLAN.name) ?? plans[0] ?? DEFAULT_PLAN;
}

/** A month's usage key: `2026-11`, in UTC. */
export const usageMonth = (at: Date): string => at.toISOString().slice(0, 7);

/** GB-days a ZIP of `bytes` kept for `seconds` uses (GB = 10^9 bytes, as billed storage is). */
export const storedGbDays = (bytes: number, seconds: number): number => (bytes / 1e9) * (seconds / 86_400);
