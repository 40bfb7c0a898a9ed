/** What a tenant's plan allows. Plans are configured at deploy time; unknown names fall back to the default. */
export interface Plan {
  readonly name: string;
  readonly maxFilesPerJob: number;
  readonly maxRetentionSeconds: number;
  readonly maxZipSizeBytes: number;
}

export const DEFAULT_PLAN: Plan = {
  name: 'standard',
  maxFilesPerJob: 25_000,
  maxRetentionSeconds: 30 * 86_400,
  maxZipSizeBytes: 536_870_912_000,
};

export function planNamed(name: string, plans: readonly Plan[] = [DEFAULT_PLAN]): Plan {
  return plans.find((p) => p.name === name) ?? DEFAULT_PLAN;
}
