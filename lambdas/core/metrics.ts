/**
 * What the service counts, as the use cases see it: a port with no AWS in
 * it. The Lambda adapter (adapters/metrics.ts) writes CloudWatch embedded
 * metrics; tests hand in a recorder.
 */

/** Why a job ended `failed`. */
export type JobFailureCause =
  | 'zips' // its ZIPs failed (sources, storage), as Finalize judged them
  | 'timeout' // the execution's time ran out
  | 'internal' // a job-level fault the workflow caught
  | 'execution-ended' // the execution failed, timed out or was stopped outside the job's own steps
  | 'start-failed'; // its workflow execution could not be started

/** Where a webhook delivery stands after an attempt. */
export type WebhookOutcome = 'delivered' | 'retrying' | 'failed' | 'gone';

export interface OperationalMetrics {
  jobCreated(): void;
  /** A job reached its end; `latencyMs`: from its creation. */
  jobEnded(status: 'completed' | 'failed', cause: JobFailureCause | undefined, latencyMs: number): void;
  /** One file written into a ZIP. */
  fileFetched(): void;
  /** A file left out of its ZIP, by the kind of fault (`http`, `timeout`, `blocked`, …). */
  sourceFailed(errorClass: string): void;
  /** A ZIP finished: its size. */
  zipBuilt(bytes: number): void;
  /** A build saved its checkpoint to go on in its next run. */
  checkpointTaken(): void;
  webhookAttempted(outcome: WebhookOutcome): void;
  /** Bytes of a stream-mode ZIP sent to a client. */
  streamBytesSent(bytes: number): void;
}

/** Counts nothing: for callers that are handed no metrics. */
export const noMetrics: OperationalMetrics = {
  jobCreated: () => undefined,
  jobEnded: () => undefined,
  fileFetched: () => undefined,
  sourceFailed: () => undefined,
  zipBuilt: () => undefined,
  checkpointTaken: () => undefined,
  webhookAttempted: () => undefined,
  streamBytesSent: () => undefined,
};

/** The metrics' names, as the adapter writes them and the stack's alarms and dashboard read them. */
export const METRIC_NAMES = {
  jobsCreated: 'JobsCreated',
  jobsCompleted: 'JobsCompleted',
  jobsFailed: 'JobsFailed',
  jobLatency: 'JobLatency',
  filesFetched: 'FilesFetched',
  sourceErrors: 'SourceErrors',
  bytesZipped: 'BytesZipped',
  zipsBuilt: 'ZipsBuilt',
  checkpoints: 'Checkpoints',
  webhookDeliveries: 'WebhookDeliveries',
  streamBytesSent: 'StreamBytesSent',
} as const;
