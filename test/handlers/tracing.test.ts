/**
 * Tracing: off outside Lambda (the local stack, tests) with nothing to
 * connect to; on Lambda, SDK clients are captured and each workflow task runs
 * in a subsegment annotated with its job, ZIP and tenant.
 */
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

const middlewareNames = (client: { middlewareStack: { identify(): string[] } }) => client.middlewareStack.identify().join(' ');

describe('tracing', () => {
  it('is off outside Lambda: clients are left as they are and a task runs without a segment', async () => {
    vi.stubEnv('AWS_EXECUTION_ENV', '');
    const { tracer } = await import('../../lambdas/adapters/tracing');
    const { s3Client } = await import('../../lambdas/adapters/aws-clients');
    const { invocation } = await import('../../lambdas/handlers/invocation');
    expect(tracer.isTracingEnabled()).toBe(false);
    expect(middlewareNames(s3Client())).not.toMatch(/XRay/i);
    expect(await invocation(async () => 'ran')({ job_id: 'j' }, undefined)).toBe('ran');
  });

  it('on Lambda: SDK clients are captured, and a task’s subsegment carries its job, ZIP and tenant as annotations', async () => {
    vi.stubEnv('AWS_EXECUTION_ENV', 'AWS_Lambda_nodejs22.x');
    vi.stubEnv('ZIPJOBS_QUIET', 'true');
    const { tracer } = await import('../../lambdas/adapters/tracing');
    const { s3Client, dynamoClient } = await import('../../lambdas/adapters/aws-clients');
    const { invocation } = await import('../../lambdas/handlers/invocation');
    const { log } = await import('../../lambdas/adapters/log');
    expect(tracer.isTracingEnabled()).toBe(true);
    expect(middlewareNames(s3Client())).toMatch(/XRay/i);
    expect(middlewareNames(dynamoClient())).toMatch(/XRay/i);

    const xray = (await import('aws-xray-sdk-core')).default;
    // What Lambda's runtime gives a traced function: a facade segment in the SDK's context.
    const facade = new xray.Segment('facade');
    await xray.getNamespace().runPromise(async () => {
      tracer.setSegment(facade);
      // The tenant is learnt in the use case, once it reads the job: it reaches the log lines and the trace alike.
      await invocation(async () => log.appendKeys({ tenant: 'tenant-3' }))({ job_id: 'job-7', zip: { zip_id: 'zip-2' } }, { functionName: 'BuildZip', awsRequestId: 'r' } as Context);
    });
    const [sub] = facade.subsegments ?? [];
    expect(sub?.name).toBe('## BuildZip');
    expect((sub as unknown as { annotations: Record<string, unknown> }).annotations).toMatchObject({ job_id: 'job-7', zip_id: 'zip-2', tenant: 'tenant-3', Service: 'zipjobs' });
    // Lambda's own segment takes no annotations: keys appended outside a task's subsegment stay off it.
    expect((facade as unknown as { annotations?: Record<string, unknown> }).annotations?.tenant).toBeUndefined();
  });

  it('on Lambda: a source fetch through the SSRF-safe client is a subsegment, and its body arrives whole', async () => {
    vi.stubEnv('AWS_EXECUTION_ENV', 'AWS_Lambda_nodejs22.x');
    const { createServer } = await import('node:http');
    const body = Buffer.alloc(100_000, 7);
    const server = createServer((_req, res) => res.writeHead(200, { 'content-length': body.length }).end(body));
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const port = (server.address() as { port: number }).port;
    try {
      const { tracer } = await import('../../lambdas/adapters/tracing');
      const { openSource } = await import('../../lambdas/core/fetch');
      const xray = (await import('aws-xray-sdk-core')).default;
      const facade = new xray.Segment('facade');
      let received = 0;
      await xray.getNamespace().runPromise(async () => {
        tracer.setSegment(facade);
        const source = await openSource(`http://127.0.0.1:${port}/file.bin`, { allowPrivateAddresses: true, connectTimeoutMs: 5000, headersTimeoutMs: 5000, idleTimeoutMs: 5000, maxBytes: 1e9, userAgent: 'test' });
        for await (const chunk of source.body) received += (chunk as Buffer).length;
      });
      expect(received).toBe(body.length);
      expect((facade.subsegments ?? []).map((s) => s.name)).toContain('127.0.0.1');
    } finally {
      server.close();
    }
  });
});
