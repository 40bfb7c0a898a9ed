import { s3BlobStore } from '../adapters/blob-store';
import { dynamoClient, eventBridgeClient, s3Client, sfnClient } from '../adapters/aws-clients';
import { dynamoJobStore } from '../adapters/job-store';
import { eventBridgeStatusPublisher } from '../adapters/status-events';
import { sfnWorkflowStarter } from '../adapters/workflow-starter';
import type { RequestOptions } from '../core/fetch';
import { loadEnv } from '../env';

/** The table and bucket, built once per container; status changes go to the bus when the function has one. */
export function storageDeps() {
  const env = loadEnv(['TABLE_NAME', 'BUCKET_NAME', 'EVENT_BUS_NAME']);
  const onStatusChange = env.EVENT_BUS_NAME ? eventBridgeStatusPublisher(eventBridgeClient(), env.EVENT_BUS_NAME) : undefined;
  return {
    store: dynamoJobStore(dynamoClient(), env.TABLE_NAME, onStatusChange),
    blobs: s3BlobStore(s3Client(), env.BUCKET_NAME),
    now: () => new Date(),
  };
}

/** Starts the ZIP workflow (CreateJob, RetryJob, RunSchedule, WorkflowEnded). */
export function workflowStarter() {
  return sfnWorkflowStarter(sfnClient(), loadEnv(['STATE_MACHINE_ARN']).STATE_MACHINE_ARN);
}

/** How sources are reached (probes, builds, stream downloads): one set of limits, so a probe reaches exactly what a fetch will. */
export function sourceRequestOptions(): RequestOptions {
  return {
    allowPrivateAddresses: loadEnv(['ALLOW_PRIVATE_ADDRESSES']).ALLOW_PRIVATE_ADDRESSES === 'true',
    connectTimeoutMs: 10_000,
    headersTimeoutMs: 30_000,
    userAgent: 'zipjobs/0.1 (+https://github.com/zipjobs)',
  };
}

/** Local stack and tests only: a shorter idle timeout for sources (default 30 s). */
export function sourceFetchOptions() {
  const idleTimeoutMs = Number(process.env.ZIPJOBS_SOURCE_IDLE_TIMEOUT_MS) || 30_000;
  return { ...sourceRequestOptions(), headersTimeoutMs: Math.min(30_000, Math.max(idleTimeoutMs, 1_000)), idleTimeoutMs };
}
