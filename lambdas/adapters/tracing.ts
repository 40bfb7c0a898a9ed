/**
 * X-Ray traces through Powertools' Tracer. On Lambda (functions run with
 * active tracing) every AWS SDK call and every outgoing HTTP request, source
 * fetches and webhook posts included, becomes a subsegment of the
 * invocation's; elsewhere (the local stack, tests) the Tracer turns itself
 * off: no daemon is needed and nothing is sent.
 */
import { Tracer } from '@aws-lambda-powertools/tracer';

/** What ties a trace to what it is about (the log keys: job, ZIP, tenant). */
type TraceKeys = object;

export const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'zipjobs' });

/** An SDK client whose calls are traced (unchanged when tracing is off). */
export const traced = <T>(client: T): T => tracer.captureAWSv3Client(client);

/** Annotations are indexed by X-Ray: traces can be found by job or tenant. */
export function annotate(keys: TraceKeys): void {
  for (const [key, value] of Object.entries(keys)) if (typeof value === 'string' && value !== '') tracer.putAnnotation(key, value);
}

/**
 * Annotates the invocation's own subsegment (`## name`: a workflow task's, or
 * the one Powertools opens for an HTTP handler) with keys learnt during the
 * invocation (the tenant, once the job is read). Lambda's own segment cannot
 * carry annotations, so outside such a subsegment this does nothing.
 */
export function annotateInvocation(keys: TraceKeys): void {
  if (!tracer.isTracingEnabled() || !tracer.getSegment()?.name.startsWith('## ')) return;
  annotate(keys);
}

/**
 * Runs one invocation of a function that is not an HTTP handler in a
 * subsegment of its own (`## name`), annotated with cold start, service and
 * `keys`, as Powertools' captureLambdaHandler does for middy handlers.
 */
export async function inTraceSegment<R>(name: string, keys: TraceKeys, fn: () => Promise<R>): Promise<R> {
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
