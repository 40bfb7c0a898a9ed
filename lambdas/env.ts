import { z } from 'zod';

/**
 * Every environment variable a handler may read, in one schema. The CDK house
 * Lambda construct types its `environment` prop from this schema, and each
 * handler parses `process.env` once at cold start with its function's list
 * (lambdas/function-env.ts), so a missing variable fails at synth time or at
 * start-up, never mid-request.
 */
/** A whole number of units in a variable, with its default when unset. */
const wholeNumber = (fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: 'must be a whole number' })
    .default(String(fallback))
    .transform(Number);

export const envSchema = z.object({
  /** The single DynamoDB table (jobs, ZIPs, API keys). */
  TABLE_NAME: z.string().min(1),
  /** The single S3 bucket (manifests/, bins/, checkpoints/, zips/). */
  BUCKET_NAME: z.string().min(1),
  /** The ZIP workflow's state machine, started by the create handler. */
  STATE_MACHINE_ARN: z.string().min(1),
  /** Secrets Manager secret holding the download-token signing keys. */
  TOKEN_SECRET_ARN: z.string().min(1),
  /** "true" lets the fetcher reach private and loopback addresses (local stack only). */
  ALLOW_PRIVATE_ADDRESSES: z.enum(['true', 'false']).default('false'),
  /** The deploy-time plan list (JSON array, see lambdas/core/plans.ts); absent: the default plan only. */
  PLANS: z.string().optional(),
  /** Public base URL of the API (e.g. a custom domain); derived from the request when absent. */
  PUBLIC_BASE_URL: z.string().url().optional(),
  /** Custom domain names the API is also served at, comma-separated (ZipBall links list them); none when absent. */
  CUSTOM_DOMAINS: z.string().optional(),
  /** The stack's EventBridge bus; functions that change a job's status publish there (none without it). */
  EVENT_BUS_NAME: z.string().min(1).optional(),
  /** Base URL of the API for links sent outside a request (webhook bodies): PUBLIC_BASE_URL or the stage URL. */
  API_BASE_URL: z.string().url(),
  /** The stack's EventBridge Scheduler group, holding one schedule per zipjobs schedule. */
  SCHEDULE_GROUP_NAME: z.string().min(1),
  /** The role EventBridge Scheduler assumes to invoke RunSchedule (the schedules API passes it). */
  SCHEDULER_ROLE_ARN: z.string().min(1),
  /** The SQS queue where EventBridge Scheduler keeps a firing it could not deliver to RunSchedule. */
  SCHEDULER_DEAD_LETTER_ARN: z.string().min(1),
  /** The RunSchedule function, every schedule's target. */
  RUN_SCHEDULE_FUNCTION_ARN: z.string().min(1),
  /** Name prefix of the Secrets Manager secrets holding tenant buckets' access keys (IAM grants are scoped to it). */
  BUCKET_SECRET_PREFIX: z.string().min(1),
  /** The role through which tenants' S3 buckets are written (their bucket policies grant it); absent locally. */
  TENANT_BUCKET_ROLE_ARN: z.string().min(1).optional(),
  /** A source slower than this (bytes a second, over each window below of waiting for it) fails with `timeout`; 0 turns the check off. */
  SOURCE_MIN_BYTES_PER_SECOND: wholeNumber(1024),
  /** The window, in seconds, over which the minimum transfer rate is averaged. */
  SOURCE_RATE_WINDOW_SECONDS: wholeNumber(60),
  /** The sweeper leaves a job alone until its run is this old, in seconds: a run just started may not show its execution yet. */
  SWEEP_GRACE_SECONDS: wholeNumber(300),
  /**
   * Requests one download link (a token or a ZipBall's id) may start a minute, then 429 until the minute
   * turns: room for a download manager's parallel Range requests and their retries. 0 turns the limit off.
   */
  DOWNLOAD_REQUESTS_PER_MINUTE: wholeNumber(120),
  /** Most time one file may take to fetch, in seconds, across BuildZip runs: `timeout` after it. */
  SOURCE_MAX_FILE_SECONDS: wholeNumber(7200),
  /** How long a source may send nothing, in milliseconds, before its fetch fails; a deployed stack keeps the default (tests and the local stack shorten it). */
  SOURCE_IDLE_TIMEOUT_MS: z
    .string()
    .regex(/^[1-9]\d*$/, { error: 'must be a whole number above 0' })
    .default('30000')
    .transform(Number),
  /** A ZIP of stored entries of known sizes is built in segments at once when each of two or more gets at least this many bytes (default 1 GiB). */
  SEGMENT_MIN_BYTES: wholeNumber(1024 ** 3),
  /** Part size of a ZIP built in segments, in bytes (at least 5 MiB; raised to fit S3's 10,000 parts). */
  SEGMENT_PART_BYTES: wholeNumber(16 * 1024 ** 2),
  /** Most segments one ZIP is built in at once, 1–40 (the state machine's inline Map); 1: never in segments. */
  MAX_SEGMENTS: z
    .string()
    .regex(/^([1-9]|[1-3]\d|40)$/, { error: 'must be a whole number from 1 to 40' })
    .default('16')
    .transform(Number),
});

export type Env = z.infer<typeof envSchema>;
export type EnvName = keyof Env;
export type EnvInput = z.input<typeof envSchema>;

/**
 * Variables as loaded: every name listed is a key, an optional one too (its
 * value may be undefined), so code that needs a variable compiles only with
 * an environment whose list names it.
 */
export type LoadedEnv<K extends EnvName> = { readonly [P in K as P]: Env[P] };

/** Parses the variables a function's spec lists (lambdas/function-env.ts); throws at cold start naming what is missing. */
export function loadEnv<K extends EnvName>(names: readonly K[], source: NodeJS.ProcessEnv = process.env): LoadedEnv<K> {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const name of names) {
    const parsed = envSchema.shape[name].safeParse(source[name]);
    if (parsed.success) out[name] = parsed.data;
    else problems.push(`${name}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  if (problems.length > 0) throw new Error(`invalid environment: ${problems.join('; ')}`);
  return out as LoadedEnv<K>;
}
