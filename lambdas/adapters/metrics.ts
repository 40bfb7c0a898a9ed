/**
 * The service's metrics as CloudWatch embedded metric format (EMF) lines,
 * through Powertools' Metrics: namespace POWERTOOLS_METRICS_NAMESPACE, the
 * dimension `service` (POWERTOOLS_SERVICE_NAME) on each. A metric with a
 * class (a failure's cause, a webhook's outcome) is written as a single
 * metric with that class as its second dimension, so alarms and graphs can
 * pick one class. The rest is flushed once per invocation (`publish`).
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRIC_NAMES as M, type OperationalMetrics } from '../core/metrics';

export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'zipjobs',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'zipjobs',
});

/** One count of `name` under `dimension` = `value` (written at once: EMF gives all metrics of a line the same dimensions). */
function classified(name: string, dimension: string, value: string): void {
  const single = metrics.singleMetric();
  single.addDimension(dimension, value);
  single.addMetric(name, MetricUnit.Count, 1);
}

export const powertoolsMetrics: OperationalMetrics = {
  jobCreated: () => metrics.addMetric(M.jobsCreated, MetricUnit.Count, 1),
  jobEnded: (status, cause, latencyMs) => {
    if (status === 'completed') metrics.addMetric(M.jobsCompleted, MetricUnit.Count, 1);
    else classified(M.jobsFailed, 'cause', cause ?? 'internal');
    metrics.addMetric(M.jobLatency, MetricUnit.Milliseconds, Math.max(0, latencyMs));
  },
  fileFetched: () => metrics.addMetric(M.filesFetched, MetricUnit.Count, 1),
  sourceFailed: (errorClass) => classified(M.sourceErrors, 'error_class', errorClass),
  zipBuilt: (bytes) => {
    metrics.addMetric(M.zipsBuilt, MetricUnit.Count, 1);
    metrics.addMetric(M.bytesZipped, MetricUnit.Bytes, bytes);
  },
  checkpointTaken: () => metrics.addMetric(M.checkpoints, MetricUnit.Count, 1),
  webhookAttempted: (outcome) => classified(M.webhookDeliveries, 'outcome', outcome),
  streamBytesSent: (bytes) => metrics.addMetric(M.streamBytesSent, MetricUnit.Bytes, bytes),
};

/** Writes what this invocation counted (nothing when it counted nothing). */
export function publishMetrics(): void {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}
