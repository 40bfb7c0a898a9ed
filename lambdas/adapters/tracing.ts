/**
 * X-Ray traces through Powertools' Tracer. On Lambda (functions run with
 * active tracing) every AWS SDK call and every outgoing HTTP request, source
 * fetches and webhook posts included, becomes a subsegment of the
 * invocation's; elsewhere (the local stack, tests) the Tracer turns itself
 * off: no daemon is needed and nothing is sent.
 */
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { LogKeys } from './log';

export const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'zipjobs' });

/** An SDK client whose calls are traced (unchanged when tracing is off). */
export const traced = <T>(client: T): T => tracer.captureAWSv3Client(client);

/** Annotations are indexed by X-Ray: traces can be found by job or tenant. */
export function annotate(keys: LogKeys): void {
  for (const [key, value] of Object.entries(keys)) if (typeof value === 'string' && value !== '') tracer.putAnnotation(key, value);
}

/**
 * Runs one invocation of a function that is not an HTTP handler in a
 * subsegment of its own (`## name`), annotated with cold start, service and
 * `keys`, as Powertools' captureLambdaHandler does for middy handlers.
 */
export async function inTraceSegment<R>(name: string, keys: LogKeys, fn: () => Promise<R>): Promise<R> {
  const parent = tracer.isTracingEnabled() ? tracer.getSegment() : undefined;
  if (!parent) return fn();
  const segment = parent.addNewSubsegment(`## ${name}`);
  tracer.setSegment(segment);
  tracer.annotateColdStart();
  tracer.addServiceNameAnnotation();
  annotate(keys);
  try {
    return await fn();
  } catch (error) {
    tracer.addErrorAsMetadata(error as Error);
    throw error;
  } finally {
    segment.close();
    tracer.setSegment(parent);
  }
}
