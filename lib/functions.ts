import { apiOperations } from '../lambdas/core/api/operations';
import type { EnvName } from '../lambdas/env';
import { functionEnv, type FunctionEnvName } from '../lambdas/function-env';

/**
 * The one list of zipjobs' Lambda functions and API routes. The CDK stack
 * builds a function per entry and an API Gateway method per route; the local
 * stack serves the same routes with the same handlers. Each handler module
 * exports `handler`.
 */
export interface FunctionSpec {
  /** Handler module, relative to the repository root. */
  readonly entry: string;
  /** Environment variables the handler reads: its list in lambdas/function-env.ts (the schema: lambdas/env.ts). */
  readonly env: readonly EnvName[];
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly description: string;
  /** The handler streams its response (`awslambda.streamifyResponse`); its API methods use STREAM transfer mode. */
  readonly streaming?: boolean;
  /** A folder (relative to the repository root) copied next to the bundle as `./<its name>/`. */
  readonly assets?: string;
}

export const functionSpecs = {
  CreateJob: {
    entry: 'lambdas/handlers/api/create-job.ts',
    env: functionEnv.CreateJob,
    timeoutSeconds: 29,
    memoryMb: 512,
    description: 'POST /jobs and POST /v2/zipball: validate, store the manifest and the job, start the workflow',
  },
  CreateUpload: {
    entry: 'lambdas/handlers/api/create-upload.ts',
    env: functionEnv.CreateUpload,
    timeoutSeconds: 29,
    memoryMb: 256,
    description: 'POST /uploads: a presigned PUT (1 h) for a file list too big for a request body, named in POST /jobs as files_from',
  },
  GetJob: {
    entry: 'lambdas/handlers/api/get-job.ts',
    env: functionEnv.GetJob,
    timeoutSeconds: 29,
    memoryMb: 512,
    description: 'GET /jobs/{id}: the job with its ZIPs and signed download links; GET /jobs/{id}/errors and /files: pages of its long lists',
  },
  ListJobs: {
    entry: 'lambdas/handlers/api/list-jobs.ts',
    env: functionEnv.ListJobs,
    timeoutSeconds: 29,
    memoryMb: 512,
    description: "GET /jobs: a page of the tenant's jobs, newest first, with a signed cursor to the next",
  },
  RetryJob: {
    entry: 'lambdas/handlers/api/retry-job.ts',
    env: functionEnv.RetryJob,
    timeoutSeconds: 29,
    memoryMb: 256,
    description: 'POST /jobs/{id}/retry: move a failed job back to pending and start its next run',
  },
  Download: {
    entry: 'lambdas/handlers/api/download.ts',
    env: functionEnv.Download,
    // A streamed response may last 15 minutes (API Gateway's limit too).
    timeoutSeconds: 900,
    memoryMb: 1024,
    streaming: true,
    description: "GET and HEAD /download/{token} and /{ball_id}.zip (ZipBalls): verify the token; redirect to a short-lived S3 URL presigned for that method (stored, in the service's bucket or the tenant's), or stream the ZIP as it is built (stream mode)",
  },
  Health: {
    entry: 'lambdas/handlers/api/health.ts',
    env: functionEnv.Health,
    timeoutSeconds: 5,
    memoryMb: 128,
    description: 'GET /health',
  },
  Site: {
    entry: 'lambdas/handlers/api/site.ts',
    env: functionEnv.Site,
    assets: 'lambdas/dashboard',
    timeoutSeconds: 10,
    memoryMb: 256,
    description: 'GET /openapi.json: the OpenAPI document; GET /dashboard: the web dashboard. No key, no data access',
  },
  Prepare: {
    entry: 'lambdas/handlers/workflow/prepare.ts',
    env: functionEnv.Prepare,
    timeoutSeconds: 900,
    memoryMb: 1024,
    description: "Workflow: read the manifest, resolve stored objects (folders, versions), pack files into bins, write the bins list, create the ZIP records",
  },
  BuildZip: {
    entry: 'lambdas/handlers/workflow/build-zip.ts',
    env: functionEnv.BuildZip,
    timeoutSeconds: 900,
    memoryMb: 1769,
    description: "Workflow: stream one bin of sources (URLs, stored objects) into a ZIP in S3 (the service's bucket or a tenant's)",
  },
  MarkZipFailed: {
    entry: 'lambdas/handlers/workflow/mark-zip-failed.ts',
    env: functionEnv.MarkZipFailed,
    timeoutSeconds: 30,
    memoryMb: 256,
    description: "Workflow: record a ZIP that could not be built, aborting its upload in a tenant's bucket",
  },
  Finalize: {
    entry: 'lambdas/handlers/workflow/finalize.ts',
    env: functionEnv.Finalize,
    timeoutSeconds: 60,
    memoryMb: 512,
    description: 'Workflow: aggregate the ZIPs into the job status, totals and errors',
  },
  MarkFailed: {
    entry: 'lambdas/handlers/workflow/mark-failed.ts',
    env: functionEnv.MarkFailed,
    timeoutSeconds: 30,
    memoryMb: 256,
    description: 'Workflow: record a job-level fault so that no job stays unfinished',
  },
  Notify: {
    entry: 'lambdas/handlers/workflow/notify.ts',
    env: functionEnv.Notify,
    // One POST of at most 15 s, plus reading the job.
    timeoutSeconds: 60,
    memoryMb: 256,
    description: 'Workflow: one signed webhook attempt for a finished job; the state machine waits between attempts',
  },
  WorkflowEnded: {
    entry: 'lambdas/handlers/workflow/workflow-ended.ts',
    env: functionEnv.WorkflowEnded,
    timeoutSeconds: 60,
    memoryMb: 256,
    description: 'Rule on workflow executions that end without success: fails the unfinished job and restarts its webhook',
  },
  SweepJobs: {
    entry: 'lambdas/handlers/workflow/sweep-jobs.ts',
    env: functionEnv.SweepJobs,
    timeoutSeconds: 300,
    memoryMb: 256,
    description: 'Every 15 minutes: ends unfinished jobs whose workflow execution is no longer running (stopped, failed, timed out or missing), as WorkflowEnded would',
  },
  ExpireJobs: {
    entry: 'lambdas/handlers/workflow/expire-jobs.ts',
    env: functionEnv.ExpireJobs,
    timeoutSeconds: 120,
    memoryMb: 256,
    description: "Table stream: deletes an expired job's objects, and its ZIP records when the job record itself expires",
  },
  WebhookSettings: {
    entry: 'lambdas/handlers/api/webhook-settings.ts',
    env: functionEnv.WebhookSettings,
    timeoutSeconds: 29,
    memoryMb: 256,
    description: "GET/PUT /settings/webhook, POST /settings/webhook/rotate: the tenant's default webhook URL and signing secret",
  },
  BucketSettings: {
    entry: 'lambdas/handlers/api/bucket-settings.ts',
    env: functionEnv.BucketSettings,
    timeoutSeconds: 29,
    memoryMb: 256,
    description: "GET/PUT/DELETE /settings/buckets/{name}, GET /settings/buckets: the tenant's own buckets, each verified by a probe write",
  },
  Objects: {
    entry: 'lambdas/handlers/api/objects.ts',
    env: functionEnv.Objects,
    timeoutSeconds: 29,
    memoryMb: 512,
    description: "GET /objects, GET/PUT /settings/paket: the tenant's paket and its objects, with their ids and versions",
  },
  Schedules: {
    entry: 'lambdas/handlers/api/schedules.ts',
    env: functionEnv.Schedules,
    timeoutSeconds: 29,
    memoryMb: 256,
    description: "POST/GET /schedules, GET/PATCH/DELETE /schedules/{id}: the tenant's schedules and their EventBridge Scheduler triggers",
  },
  RunSchedule: {
    entry: 'lambdas/handlers/workflow/run-schedule.ts',
    env: functionEnv.RunSchedule,
    timeoutSeconds: 60,
    memoryMb: 512,
    description: "EventBridge Scheduler target: one run of a schedule, creating a job from its template for the schedule's tenant",
  },
} as const satisfies Record<FunctionEnvName, FunctionSpec>;

export type FunctionName = keyof typeof functionSpecs;

export interface ApiRoute {
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** API Gateway resource path; `{name}` is a path parameter. */
  readonly path: string;
  readonly fn: FunctionName;
}

/**
 * Every API route, from the operations list (lambdas/core/api/operations.ts),
 * where each route's schemas live; a route naming no function here fails to compile.
 */
export const apiRoutes: readonly ApiRoute[] = apiOperations.map(({ method, path, fn }) => ({ method, path, fn: fn satisfies FunctionName }));
