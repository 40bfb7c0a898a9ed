import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { hashApiKey } from '../../lambdas/core/api-keys';
import { memoryApiKeyStore } from '../support/memory-stores';

const context = (requestId: string): Context =>
  ({ awsRequestId: requestId, functionName: 'BuildZip', functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:us-east-1:1:function:BuildZip', memoryLimitInMB: '1769' }) as Context;

/** Every JSON line written to stdout and stderr while `fn` runs. */
async function captured(fn: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const take = (chunk: unknown) => (lines.push(String(chunk)), true);
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(take);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(take);
  try {
    await fn();
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return lines.join('').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
}

beforeAll(() => {
  Object.assign(process.env, { TABLE_NAME: 'jobs-table', AWS_REGION: 'us-east-1' });
  delete process.env.PLANS;
  delete process.env.ZIPJOBS_QUIET;
  delete process.env.ZIPJOBS_LOG_FORMAT;
  // What Lambda sets for a function without provisioned concurrency; Powertools reports cold starts only then.
  process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe('log lines of a workflow task', () => {
  it('carry the request id, cold start, service and the job and ZIP the input names; keys end with the invocation', async () => {
    const { invocation } = await import('../../lambdas/handlers/invocation');
    const { log } = await import('../../lambdas/adapters/log');
    const handler = invocation(async (event: { job_id: string; zip?: { zip_id: string } }) => {
      log.appendKeys({ tenant: 'acme' });
      log.info('working', { entries: 3 });
    });
    const lines = await captured(async () => {
      await handler({ job_id: 'job-1', zip: { zip_id: 'zip-1' } }, context('req-1'));
      await handler({ job_id: 'job-2' }, context('req-2'));
      log.info('between invocations');
    });
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ level: 'INFO', message: 'working', service: 'zipjobs', job_id: 'job-1', zip_id: 'zip-1', tenant: 'acme', function_request_id: 'req-1', cold_start: true, entries: 3 });
    expect(lines[1]).toMatchObject({ job_id: 'job-2', tenant: 'acme', function_request_id: 'req-2', cold_start: false });
    expect(lines[1]).not.toHaveProperty('zip_id');
    expect(lines[2]).not.toHaveProperty('job_id');
    expect(lines[2]).not.toHaveProperty('tenant');
  });

  it('keep each invocation’s keys apart when invocations overlap in one process (the local stack)', async () => {
    const { installInvokeStore } = await import('../../lib/local/invoke-store');
    const inInvocation = await installInvokeStore();
    const { invocation } = await import('../../lambdas/handlers/invocation');
    const { log } = await import('../../lambdas/adapters/log');
    const gates = [0, 1].map(() => {
      let resolve!: () => void;
      const promise = new Promise<void>((ok) => (resolve = ok));
      return { promise, resolve };
    });
    const handler = invocation(async (event: { job_id: string; n: number }) => {
      log.appendKeys({ tenant: `tenant-${event.n}` });
      await gates[event.n]!.promise;
      log.info('after the wait');
    });
    const lines = await captured(async () => {
      const a = inInvocation('req-a', () => handler({ job_id: 'job-a', n: 0 }, context('req-a')));
      const b = inInvocation('req-b', () => handler({ job_id: 'job-b', n: 1 }, context('req-b')));
      gates[1]!.resolve();
      await b;
      gates[0]!.resolve();
      await a;
    });
    expect(lines.map((l) => [l.job_id, l.tenant, l.function_request_id])).toEqual([
      ['job-b', 'tenant-1', 'req-b'],
      ['job-a', 'tenant-0', 'req-a'],
    ]);
    delete process.env.AWS_LAMBDA_MAX_CONCURRENCY;
  });

  it('print debug lines for the sampled share of invocations (POWERTOOLS_LOGGER_SAMPLE_RATE)', async () => {
    const debugLines = async () => {
      vi.resetModules();
      const { invocation } = await import('../../lambdas/handlers/invocation');
      const { log } = await import('../../lambdas/adapters/log');
      const handler = invocation(async () => log.debug('detail'));
      return (await captured(() => handler({ job_id: 'j' }, context('r')))).filter((l) => l.level === 'DEBUG');
    };
    expect(await debugLines()).toHaveLength(0);
    vi.stubEnv('POWERTOOLS_LOGGER_SAMPLE_RATE', '1');
    expect(await debugLines()).toMatchObject([{ message: 'detail', job_id: 'j', sampling_rate: 1 }]);
  });

  it('are short under ZIPJOBS_LOG_FORMAT=compact (npm start) and keep the keys', async () => {
    vi.stubEnv('ZIPJOBS_LOG_FORMAT', 'compact');
    const { invocation } = await import('../../lambdas/handlers/invocation');
    const { log } = await import('../../lambdas/adapters/log');
    const handler = invocation(async () => log.warn('slow source', { url_index: 4 }));
    const [line] = await captured(() => handler({ job_id: 'job-9' }, context('r')));
    expect(Object.keys(line!)).toEqual(['level', 'time', 'fn', 'message', 'job_id', 'url_index']);
  });
});

describe('log lines of an API request', () => {
  it('carry the tenant, the job of a /jobs/{id} route and the request id', async () => {
    const dynamo = mockClient(DynamoDBDocumentClient);
    dynamo.on(UpdateCommand).resolves({ Attributes: { count: 1 } });
    const { apiHandler } = await import('../../lambdas/handlers/http/api-handler');
    const { apiAccess } = await import('../../lambdas/handlers/api/deps');
    const { loadEnv } = await import('../../lambdas/env');
    const store = memoryApiKeyStore([{ key_hash: hashApiKey('good-key'), tenant_id: 'acme', plan: 'standard', name: 'k', created_at: '2026-01-01T00:00:00.000Z' }]);
    const handler = apiHandler({ ...apiAccess(loadEnv(['TABLE_NAME', 'PLANS'])), keys: store }, async () => {
      throw new Error('a fault of ours');
    });
    const event = { httpMethod: 'GET', resource: '/jobs/{id}', path: '/jobs/j-7', pathParameters: { id: 'j-7' }, headers: { 'X-API-Key': 'good-key' } } as unknown as APIGatewayProxyEvent;
    const lines = await captured(() => handler(event, context('req-api')));
    expect(lines[0]?.error).toMatchObject({ message: 'a fault of ours' });
    expect(lines).toMatchObject([{ level: 'ERROR', message: 'request failed', tenant: 'acme', job_id: 'j-7', function_request_id: 'req-api', route: 'GET /jobs/{id}' }]);
    expect(JSON.stringify(lines)).not.toContain('good-key');
    dynamo.restore();
  });
});
