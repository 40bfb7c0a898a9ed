import type { EnvName } from '../lambdas/env';

/**
 * The one list of zipjobs' Lambda functions and API routes. The CDK stack
 * builds a function per entry and an API Gateway method per route; the local
 * stack serves the same routes with the same handlers. Each handler module
 * exports `handler`.
 */
export interface FunctionSpec {
  /** Handler module, relative to the repository root. */
  readonly entry: string;
  /** Environment variables the handler reads (see lambdas/env.ts). */
  readonly env: readonly EnvName[];
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly description: string;
}

export const functionSpecs = {
  CreateJob: {
    entry: 'lambdas/handlers/api/create-job.ts',
    env: ['TABLE_NAME', 'BUCKET_NAME', 'STATE_MACHINE_ARN'],
    timeoutSeconds: 29,
    memoryMb: 512,
    description: 'POST /jobs: validate, store the manifest and the job, start the workflow',
  },
  GetJob: {
    entry: 'lambdas/handlers/api/get-job.ts',
    env: ['TABLE_NAME', 'BUCKET_NAME', 'TOKEN_SECRET_ARN', 'PUBLIC_BASE_URL'],
    timeoutSeconds: 29,
    memoryMb: 512,
    description: 'GET /jobs/{id}: the job with its ZIPs and signed download links',
  },
  Download: {
    entry: 'lambdas/handlers/api/download.ts',
    env: ['TABLE_NAME', 'BUCKET_NAME', 'TOKEN_SECRET_ARN'],
    timeoutSeconds: 29,
    memoryMb: 256,
    description: 'GET /download/{token}: verify the token, redirect to a short-lived presigned S3 URL',
  },
  Health: {
    entry: 'lambdas/handlers/api/health.ts',
    env: [],
    timeoutSeconds: 5,
    memoryMb: 128,
    description: 'GET /health',
  },
  Prepare: {
    entry: 'lambdas/handlers/workflow/prepare.ts',
    env: ['TABLE_NAME', 'BUCKET_NAME', 'ALLOW_PRIVATE_ADDRESSES'],
    timeoutSeconds: 900,
    memoryMb: 1024,
    description: 'Workflow: read the manifest, pack files into bins, write the bins list, create the ZIP records',
  },
  BuildZip: {
    entry: 'lambdas/handlers/workflow/build-zip.ts',
    env: ['TABLE_NAME', 'BUCKET_NAME', 'ALLOW_PRIVATE_ADDRESSES'],
    timeoutSeconds: 900,
    memoryMb: 1769,
    description: 'Workflow: stream one bin of sources into a ZIP in S3',
  },
  MarkZipFailed: {
    entry: 'lambdas/handlers/workflow/mark-zip-failed.ts',
    env: ['TABLE_NAME'],
    timeoutSeconds: 30,
    memoryMb: 256,
    description: 'Workflow: record a ZIP that could not be built',
  },
  Finalize: {
    entry: 'lambdas/handlers/workflow/finalize.ts',
    env: ['TABLE_NAME'],
    timeoutSeconds: 60,
    memoryMb: 512,
    description: 'Workflow: aggregate the ZIPs into the job status, totals and errors',
  },
  MarkFailed: {
    entry: 'lambdas/handlers/workflow/mark-failed.ts',
    env: ['TABLE_NAME'],
    timeoutSeconds: 30,
    memoryMb: 256,
    description: 'Workflow: record a job-level fault so that no job stays unfinished',
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof functionSpecs;

export interface ApiRoute {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** API Gateway resource path; `{name}` is a path parameter. */
  readonly path: string;
  readonly fn: FunctionName;
}

export const apiRoutes: readonly ApiRoute[] = [
  { method: 'POST', path: '/jobs', fn: 'CreateJob' },
  { method: 'GET', path: '/jobs/{id}', fn: 'GetJob' },
  { method: 'GET', path: '/download/{token}', fn: 'Download' },
  { method: 'GET', path: '/health', fn: 'Health' },
];
