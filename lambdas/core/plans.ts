import { z } from 'zod';
import { PlanLimitExceededError } from './errors';

/**
 * What a tenant's plan allows. Plans are configured at deploy time (the
 * stack's `plans`, handed to the API functions as PLANS); a key names its
 * plan, and an unknown name falls back to the default.
 */
/**
 * The most files a plan may allow in one job. The workflow's Distributed Map
 * runs one child per ZIP (at most one per file, folders expanded) and collects
 * their results into one state, which Step Functions caps at 256 KiB; with no
 * ResultWriter, each child ends in a Succeed state with `OutputPath: null`, so
 * its result is `{}` and a comma: 3 bytes. 4 KiB are kept for the Map's own
 * input, 2 bytes for the brackets: (262,144 − 4,096 − 2) / 3 = 86,015 children.
 * test/infra/plans.test.ts checks the definition still makes each result `{}`.
 */
export const MAP_RESULT_BYTES = 3;
export const MAX_FILES_PER_JOB = Math.floor((256 * 1024 - 4096 - 2) / MAP_RESULT_BYTES);

export const planSchema = z.strictObject({
  name: z.string().min(1).max(64),
  /** Files (URLs) in one job. */
  max_files_per_job: z
    .number()
    .int()
    .min(1)
    .max(MAX_FILES_PER_JOB, {
      message: `at most ${MAX_FILES_PER_JOB}: a job's ZIPs are built by one Step Functions Map whose collected results (${MAP_RESULT_BYTES} bytes per ZIP, at most one ZIP per file) must fit in 256 KiB`,
    }),
  /** Largest `expires_in`. */
  max_retention_seconds: z.number().int().min(300),
  /** Largest `max_zip_size_bytes`, and the most any one ZIP may hold. */
  max_zip_size_bytes: z.number().int().min(104_857_600),
  /** Stored ZIPs per calendar month, in GB-days (GB kept × days kept). */
  monthly_stored_gb_days: z.number().min(0),
  /** Bytes served in stream mode per calendar month, in GB. */
  monthly_stream_gb: z.number().min(0),
  /** API requests per minute per tenant; schedule runs count too. */
  requests_per_minute: z.number().int().min(1),
  /** Schedules a tenant may have. */
  max_schedules: z.number().int().min(0).default(50),
  /** No schedule may fire more often than this. */
  min_schedule_interval_seconds: z.number().int().min(60).default(300),
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
  max_schedules: 50,
  min_schedule_interval_seconds: 300,
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

/** What a plan checks of a job, at create and at every retry. */
export interface PlannedJob {
  /** The request field that holds the files (`files` or `urls`), for the message. */
  readonly filesField: string;
  readonly fileCount: number;
  readonly expiresIn: number;
  readonly maxZipSizeBytes: number | null;
}

/** Throws 403 PLAN_LIMIT_EXCEEDED, naming the field, for a job the plan does not allow. */
export function enforcePlan(job: PlannedJob, plan: Plan): void {
  if (job.fileCount > plan.max_files_per_job) {
    throw new PlanLimitExceededError(`${job.filesField}: at most ${plan.max_files_per_job} files per job on plan ${plan.name}`);
  }
  if (job.expiresIn > plan.max_retention_seconds) {
    throw new PlanLimitExceededError(`expires_in: at most ${plan.max_retention_seconds} on plan ${plan.name}`);
  }
  if (job.maxZipSizeBytes !== null && job.maxZipSizeBytes > plan.max_zip_size_bytes) {
    throw new PlanLimitExceededError(`max_zip_size_bytes: at most ${plan.max_zip_size_bytes} on plan ${plan.name}`);
  }
}

/**
 * The plan's limits a job carries to the workflow, from the key that started
 * its current run (create or retry): BuildZip holds every ZIP to the plan's
 * per-archive size, split or not.
 */
export interface JobLimits {
  readonly max_zip_size_bytes: number;
}

export const jobLimits = (plan: Plan): JobLimits => ({ max_zip_size_bytes: plan.max_zip_size_bytes });

/**
 * The most one ZIP of the job may hold: the limits of its current run, else
 * (a job from before limits were recorded) its plan's, if known.
 */
export function archiveLimit(job: { readonly limits?: JobLimits }, plan: Plan): number;
export function archiveLimit(job: { readonly limits?: JobLimits }, plan?: Plan): number | undefined;
export function archiveLimit(job: { readonly limits?: JobLimits }, plan?: Plan): number | undefined {
  return job.limits?.max_zip_size_bytes ?? plan?.max_zip_size_bytes;
}
