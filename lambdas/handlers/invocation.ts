import type { Context } from 'aws-lambda';
import { beginInvocationLog, type LogKeys } from '../adapters/log';
import { publishMetrics } from '../adapters/metrics';
import { inTraceSegment } from '../adapters/tracing';

/** The keys a workflow task's input names: `{job_id, zip: {zip_id}}`. */
export function taskKeys(event: unknown): LogKeys {
  const input = (event ?? {}) as { job_id?: unknown; zip?: { zip_id?: unknown } };
  return {
    job_id: typeof input.job_id === 'string' ? input.job_id : undefined,
    zip_id: typeof input.zip?.zip_id === 'string' ? input.zip.zip_id : undefined,
  };
}

/**
 * Wraps a function that is not an HTTP handler (workflow tasks, stream and
 * event consumers): its log lines carry the request id, cold start and the
 * keys its input names; what it counted is written when it ends.
 */
export function invocation<E, C extends Partial<Context> | undefined, R>(
  run: (event: E, context: C) => Promise<R>,
  keysOf: (event: E) => LogKeys = taskKeys,
): (event: E, context: C) => Promise<R> {
  return async (event, context) => {
    const keys = keysOf(event);
    const end = beginInvocationLog(context as Context | undefined, keys);
    try {
      return await inTraceSegment(context?.functionName ?? 'handler', keys, () => run(event, context));
    } finally {
      publishMetrics();
      end();
    }
  };
}
