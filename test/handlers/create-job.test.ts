import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../lambdas/core/api-keys';

const dynamo = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const sfn = mockClient(SFNClient);

let handler: (event: APIGatewayProxyEvent, context: Context) => Promise<{ statusCode: number; body: string }>;

beforeAll(async () => {
  Object.assign(process.env, {
    TABLE_NAME: 'jobs-table',
    BUCKET_NAME: 'jobs-bucket',
    STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:zipjobs',
    AWS_REGION: 'us-east-1',
    ZIPJOBS_QUIET: 'true',
  });
  ({ handler } = (await import('../../lambdas/handlers/api/create-job')) as never);
});

beforeEach(() => {
  dynamo.reset();
  s3.reset();
  sfn.reset();
  dynamo.on(GetCommand).resolves({});
  dynamo.on(GetCommand, { Key: { pk: `KEY#${hashApiKey('good-key')}`, sk: 'KEY' } }).resolves({
    Item: { key_hash: hashApiKey('good-key'), tenant_id: 'acme', plan: 'standard', name: 'k', created_at: '2026-01-01T00:00:00.000Z' },
  });
  dynamo.on(PutCommand).resolves({});
  dynamo.on(UpdateCommand).resolves({});
  dynamo.on(DeleteCommand).resolves({});
  s3.on(PutObjectCommand).resolves({});
  sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:x', startDate: new Date() });
});

function post(body: unknown, headers: Record<string, string> = { 'X-API-Key': 'good-key' }): APIGatewayProxyEvent {
  return { httpMethod: 'POST', path: '/jobs', headers, body: JSON.stringify(body), isBase64Encoded: false, requestContext: {} } as never;
}

const call = async (event: APIGatewayProxyEvent) => {
  const res = await handler(event, {} as Context);
  return { status: res.statusCode, body: JSON.parse(res.body) };
};

describe('POST /jobs handler', () => {
  it('stores the manifest, then the job, then starts an execution named after the job', async () => {
    const res = await call(post({ urls: ['https://example.com/a.pdf'], metadata: { order: '42' } }));
    expect(res.status).toBe(201);
    const jobId: string = res.body.job_id;

    const manifest = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(manifest).toMatchObject({ Bucket: 'jobs-bucket', Key: `manifests/${jobId}.json` });
    expect(JSON.parse(String(manifest.Body))).toEqual({ files: [{ url: 'https://example.com/a.pdf', filename: null }] });

    const item = dynamo.commandCalls(PutCommand).map((c) => c.args[0].input).find((i) => i.Item?.sk === 'JOB')!;
    expect(item.ConditionExpression).toBe('attribute_not_exists(pk)');
    // Metadata is stored as [key, value] pairs, so that any key name survives DynamoDB's marshalling.
    expect(item.Item).toMatchObject({ pk: `JOB#${jobId}`, tenant_id: 'acme', status: 'pending', url_count: 1, options: { metadata: [['order', '42']], expires_in: 86400 } });

    const start = sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input;
    expect(start).toEqual({ stateMachineArn: process.env.STATE_MACHINE_ARN, name: `${jobId}-1`, input: JSON.stringify({ job_id: jobId }) });
  });

  it('fails the job visibly when the workflow cannot be started, and leaks nothing', async () => {
    sfn.on(StartExecutionCommand).rejects(new Error('ThrottlingException: rate exceeded for arn:aws:states:secret'));
    const res = await call(post({ urls: ['https://example.com/a.pdf'] }));
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ success: false, error: { code: 'INTERNAL', message: 'internal error' } });
    const updates = dynamo.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    const failed = updates.find((u) => Object.values(u.ExpressionAttributeValues ?? {}).includes('failed'));
    expect(failed?.Key).toEqual({ pk: expect.stringMatching(/^JOB#/), sk: 'JOB' });
  });

  it('answers 503 with Retry-After and the envelope, never a 500, when the request runs out of time', async () => {
    // The key lookup outlasts the function's time: the wrapper answers 1 s before the limit.
    dynamo.on(GetCommand, { Key: { pk: `KEY#${hashApiKey('good-key')}`, sk: 'KEY' } }).callsFake(() => new Promise((ok) => setTimeout(() => ok({}), 1_500)));
    const started = Date.now() + 1_400;
    const context = { getRemainingTimeInMillis: () => started - Date.now() } as unknown as Context;
    const res = (await handler(post({ urls: ['https://example.com/a.pdf'] }), context)) as { statusCode: number; headers: Record<string, string>; body: string };
    expect(res.statusCode).toBe(503);
    expect(res.headers['Retry-After']).toBe('5');
    expect(JSON.parse(res.body)).toEqual({ success: false, error: { code: 'SERVICE_UNAVAILABLE', message: 'the service is busy: the request ran out of time; try again' } });
    await new Promise((r) => setTimeout(r, 1_200));
  });

  it('refuses with 503 before its first write when less than 5 s of its time is left, so that a 503 made no job', async () => {
    // 5.5 s left: the wrapper would answer at 4.5 s, too soon for the writes a create makes.
    const deadline = Date.now() + 5_500;
    const context = { getRemainingTimeInMillis: () => deadline - Date.now() } as unknown as Context;
    for (const headers of [{ 'X-API-Key': 'good-key' }, { 'X-API-Key': 'good-key', 'Idempotency-Key': 'order-7' }] as Record<string, string>[]) {
      dynamo.resetHistory();
      const res = (await handler(post({ urls: ['https://example.com/a.pdf'] }, headers), context)) as { statusCode: number; headers: Record<string, string>; body: string };
      expect(res.statusCode).toBe(503);
      expect(res.headers['Retry-After']).toBe('5');
      expect(JSON.parse(res.body)).toEqual({ success: false, error: { code: 'SERVICE_UNAVAILABLE', message: 'the service is busy: no job was created; try again' } });
      expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
      expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
      // Nothing of the job; an Idempotency-Key claimed for it is given back, so that a retry makes the job.
      const puts = dynamo.commandCalls(PutCommand).map((c) => c.args[0].input.Item!);
      expect(puts.filter((item) => !String(item.pk).startsWith('IDEMP#'))).toEqual([]);
      const claimed = puts.filter((item) => String(item.pk).startsWith('IDEMP#')).map((item) => item.pk);
      expect(dynamo.commandCalls(DeleteCommand).map((c) => c.args[0].input.Key?.pk)).toEqual(claimed);
    }
    // With time enough, the same create is made.
    const later = { getRemainingTimeInMillis: () => 20_000 } as unknown as Context;
    expect((await handler(post({ urls: ['https://example.com/a.pdf'] }), later)).statusCode).toBe(201);
  });

  it('refuses an unknown key before touching storage', async () => {
    const res = await call(post({ urls: ['https://example.com/a.pdf'] }, { 'X-API-Key': 'bad-key' }));
    expect(res.status).toBe(401);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('answers 400 naming the field, before any write', async () => {
    const res = await call(post({ files: [{ url: 'https://example.com/a', filename: 'a\\b' }] }));
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ path: 'files.0.filename', message: expect.stringContaining('\\') }]);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});
