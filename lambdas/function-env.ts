import type { EnvName } from './env';

/**
 * The environment variables each function reads, by function. Its handler
 * loads exactly these, once, at cold start (`loadEnv(functionEnv.<Name>)`)
 * and passes them on; the CDK stack (lib/functions.ts) gives the function
 * these and no others. A handler needing a variable its list lacks does not
 * compile, so it cannot pass locally and fail on AWS.
 */
export const functionEnv = {
  // PUBLIC_BASE_URL, CUSTOM_DOMAINS: a ZipBall's links.
  CreateJob: ['TABLE_NAME', 'BUCKET_NAME', 'STATE_MACHINE_ARN', 'ALLOW_PRIVATE_ADDRESSES', 'EVENT_BUS_NAME', 'PLANS', 'PUBLIC_BASE_URL', 'CUSTOM_DOMAINS'],
  CreateUpload: ['TABLE_NAME', 'BUCKET_NAME', 'PLANS'],
  GetJob: ['TABLE_NAME', 'BUCKET_NAME', 'TOKEN_SECRET_ARN', 'PUBLIC_BASE_URL', 'PLANS'],
  // TOKEN_SECRET_ARN: cursors are signed with a key derived from the token keys.
  ListJobs: ['TABLE_NAME', 'TOKEN_SECRET_ARN', 'PLANS'],
  RetryJob: ['TABLE_NAME', 'STATE_MACHINE_ARN', 'EVENT_BUS_NAME', 'PLANS'],
  // PLANS: stream downloads count against the plan's quota; ALLOW_PRIVATE_ADDRESSES and SOURCE_*: stored ZIPs in tenant buckets, and stream downloads fetch sources.
  // DOWNLOAD_REQUESTS_PER_MINUTE: each download link's rate.
  Download: [
    'TABLE_NAME',
    'BUCKET_NAME',
    'TOKEN_SECRET_ARN',
    'ALLOW_PRIVATE_ADDRESSES',
    'BUCKET_SECRET_PREFIX',
    'TENANT_BUCKET_ROLE_ARN',
    'PLANS',
    'SOURCE_MIN_BYTES_PER_SECOND',
    'SOURCE_RATE_WINDOW_SECONDS',
    'SOURCE_IDLE_TIMEOUT_MS',
    'DOWNLOAD_REQUESTS_PER_MINUTE',
  ],
  Health: [],
  Site: ['PUBLIC_BASE_URL'],
  // PLANS: a stream archive may be no larger than its plan allows; BUCKET_SECRET_PREFIX, TENANT_BUCKET_ROLE_ARN: stored objects are resolved in tenants' buckets.
  Prepare: ['TABLE_NAME', 'BUCKET_NAME', 'ALLOW_PRIVATE_ADDRESSES', 'EVENT_BUS_NAME', 'PLANS', 'BUCKET_SECRET_PREFIX', 'TENANT_BUCKET_ROLE_ARN'],
  BuildZip: [
    'TABLE_NAME',
    'BUCKET_NAME',
    'ALLOW_PRIVATE_ADDRESSES',
    'BUCKET_SECRET_PREFIX',
    'TENANT_BUCKET_ROLE_ARN',
    'SOURCE_MIN_BYTES_PER_SECOND',
    'SOURCE_RATE_WINDOW_SECONDS',
    'SOURCE_MAX_FILE_SECONDS',
    'SOURCE_IDLE_TIMEOUT_MS',
    'SEGMENT_MIN_BYTES',
    'SEGMENT_PART_BYTES',
    'MAX_SEGMENTS',
  ],
  // BUCKET_NAME: the checkpoint, naming the upload of a ZIP bound for a tenant's bucket, which it aborts.
  MarkZipFailed: ['TABLE_NAME', 'BUCKET_NAME', 'ALLOW_PRIVATE_ADDRESSES', 'BUCKET_SECRET_PREFIX', 'TENANT_BUCKET_ROLE_ARN'],
  Finalize: ['TABLE_NAME', 'BUCKET_NAME', 'EVENT_BUS_NAME'],
  MarkFailed: ['TABLE_NAME', 'BUCKET_NAME', 'EVENT_BUS_NAME'],
  Notify: ['TABLE_NAME', 'BUCKET_NAME', 'TOKEN_SECRET_ARN', 'API_BASE_URL', 'ALLOW_PRIVATE_ADDRESSES'],
  WorkflowEnded: ['TABLE_NAME', 'BUCKET_NAME', 'EVENT_BUS_NAME', 'STATE_MACHINE_ARN'],
  SweepJobs: ['TABLE_NAME', 'BUCKET_NAME', 'EVENT_BUS_NAME', 'STATE_MACHINE_ARN', 'SWEEP_GRACE_SECONDS'],
  ExpireJobs: ['TABLE_NAME', 'BUCKET_NAME'],
  WebhookSettings: ['TABLE_NAME', 'ALLOW_PRIVATE_ADDRESSES', 'PLANS'],
  BucketSettings: ['TABLE_NAME', 'PLANS', 'ALLOW_PRIVATE_ADDRESSES', 'BUCKET_SECRET_PREFIX', 'TENANT_BUCKET_ROLE_ARN'],
  Objects: ['TABLE_NAME', 'PLANS', 'ALLOW_PRIVATE_ADDRESSES', 'BUCKET_SECRET_PREFIX', 'TENANT_BUCKET_ROLE_ARN'],
  Schedules: ['TABLE_NAME', 'PLANS', 'SCHEDULE_GROUP_NAME', 'SCHEDULER_ROLE_ARN', 'SCHEDULER_DEAD_LETTER_ARN', 'RUN_SCHEDULE_FUNCTION_ARN'],
  // CreateJob's environment: a run is a normal job creation.
  RunSchedule: ['TABLE_NAME', 'BUCKET_NAME', 'STATE_MACHINE_ARN', 'ALLOW_PRIVATE_ADDRESSES', 'EVENT_BUS_NAME', 'PLANS'],
} as const satisfies Record<string, readonly EnvName[]>;

export type FunctionEnvName = keyof typeof functionEnv;
