import { s3BlobStore } from '../adapters/blob-store';
import { dynamoClient, eventBridgeClient, s3Client, sfnClient } from '../adapters/aws-clients';
import { dynamoJobLists } from '../adapters/job-lists';
import { dynamoJobStore } from '../adapters/job-store';
import { powertoolsMetrics } from '../adapters/metrics';
import { eventBridgeStatusPublisher } from '../adapters/status-events';
import { sfnWorkflowStarter } from '../adapters/workflow-starter';
import type { RequestOptions } from '../core/fetch';
import type { LoadedEnv } from '../env';

/** The table (jobs and their long lists) and bucket, built once per container; status changes go to the bus when the function's spec lists one. */
export function storageDeps(env: LoadedEnv<'TABLE_NAME' | 'BUCKET_NAME'> & Partial<LoadedEnv<'EVENT_BUS_NAME'>>) {
  const onStatusChange = env.EVENT_BUS_NAME ? eventBridgeStatusPublisher(eventBridgeClient(), env.EVENT_BUS_NAME) : undefined;
  return {
    store: dynamoJobStore(dynamoClient(), env.TABLE_NAME, onStatusChange),
    lists: dynamoJobLists(dynamoClient(), env.TABLE_NAME),
    blobs: s3BlobStore(s3Client(), env.BUCKET_NAME),
    now: () => new Date(),
    metrics: powertoolsMetrics,
  };
}

/** Starts the ZIP workflow (CreateJob, RetryJob, RunSchedule, WorkflowEnded). */
export function workflowStarter(env: LoadedEnv<'STATE_MACHINE_ARN'>) {
  return sfnWorkflowStarter(sfnClient(), env.STATE_MACHINE_ARN);
}

/** How sources are reached (probes, builds, stream downloads): one set of limits, so a probe reaches exactly what a fetch will. */
export function sourceRequestOptions(env: LoadedEnv<'ALLOW_PRIVATE_ADDRESSES'>): RequestOptions {
  return {
    allowPrivateAddresses: env.ALLOW_PRIVATE_ADDRESSES === 'true',
    connectTimeoutMs: 10_000,
    headersTimeoutMs: 30_000,
    userAgent: 'zipjobs/0.1 (+https://github.com/zipjobs)',
  };
}

/** The variables `sourceFetchOptions` reads. */
export const SOURCE_FETCH_ENV = ['ALLOW_PRIVATE_ADDRESSES', 'SOURCE_MIN_BYTES_PER_SECOND', 'SOURCE_RATE_WINDOW_SECONDS', 'SOURCE_IDLE_TIMEOUT_MS'] as const;

/**
 * How source bodies are read (BuildZip, stream downloads): the idle timeout
 * (SOURCE_IDLE_TIMEOUT_MS, shortened by tests only, default 30 s) and the
 * minimum transfer rate (SOURCE_MIN_BYTES_PER_SECOND over
 * SOURCE_RATE_WINDOW_SECONDS; 0 turns it off).
 */
export function sourceFetchOptions(env: LoadedEnv<(typeof SOURCE_FETCH_ENV)[number]>) {
  const idleTimeoutMs = env.SOURCE_IDLE_TIMEOUT_MS;
  return {
    ...sourceRequestOptions(env),
    headersTimeoutMs: Math.min(30_000, Math.max(idleTimeoutMs, 1_000)),
    idleTimeoutMs,
    ...(env.SOURCE_MIN_BYTES_PER_SECOND > 0 && {
      minRate: { minBytesPerSecond: env.SOURCE_MIN_BYTES_PER_SECOND, windowMs: env.SOURCE_RATE_WINDOW_SECONDS * 1000 },
    }),
  };
}
