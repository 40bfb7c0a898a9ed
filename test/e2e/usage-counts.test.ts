/**
 * The cost model (lambdas/core/costs.ts) against the local stack's own counts
 * (lib/local/usage.ts): three job shapes, each run alone and then read once
 * and downloaded, whose Lambda invocations, state transitions, S3 requests and
 * DynamoDB requests must each come within 10 % of what the model predicts for
 * that shape. The model is given the build speed the local stack showed (its
 * only input that depends on time: BuildZip's owner check every 5 s and its
 * progress write at most once a second).
 */
import { describe, expect, it } from 'vitest';
import { defaultAssumptions, JOB_FUNCTIONS, jobUsage, s3RequestClass, type JobFunction, type JobShape } from '../../lambdas/core/costs';
import { functionSpecs } from '../../lib/functions';
import { dynamoDbOperation, s3Operation } from '../../lib/local/usage';
import { SyntheticSources } from './support/synthetic-sources';
import { useLocalApi } from './support/use-local-api';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const sources = new SyntheticSources();
// No TTL sweeps or sweeper runs during the measurements: they are the local stack's, not a job's.
const api = useLocalApi(sources, { ttlSweepIntervalMs: 3_600_000, sweepIntervalMs: 3_600_000 });
const memoryMb = Object.fromEntries(JOB_FUNCTIONS.map((fn) => [fn, functionSpecs[fn].memoryMb])) as Record<JobFunction, number>;

const sum = (counts: Readonly<Record<string, number>>, keep: (op: string) => boolean = () => true) =>
  Object.entries(counts).reduce((n, [op, c]) => n + (keep(op) ? c : 0), 0);
const DYNAMO_READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan']);

/** Runs one job, reads it once, downloads each ZIP; returns the counts and what the model predicts. */
async function measure(body: Record<string, unknown>, files: number, bytes: number) {
  await api.stack.stepFunctions.idle();
  api.stack.usage.reset();
  const eventsBefore = api.stack.events.length;
  const created = await api.request('POST', '/jobs', { body });
  expect(created.status).toBe(201);
  // The execution starts within CreateJob's request; idle() waits for it and every task it runs.
  await api.stack.stepFunctions.idle();
  const { body: job } = await api.getJob(created.body.job_id);
  expect(job.status).toBe('completed');
  for (const zip of job.zips) await api.download(zip.download_url);
  const counted = api.stack.usage.counts();

  const shape: JobShape = { gb: bytes / GiB, files, zips: job.zip_count };
  const buildSeconds = counted.durationMs.BuildZip! / 1000;
  const usage = jobUsage(shape, { ...defaultAssumptions(memoryMb), buildMBps: bytes / 1e6 / buildSeconds, perFileMs: 0 });
  return { counted, usage, events: api.stack.events.length - eventsBefore, shape };
}

function expectWithin10Percent(what: string, counted: number, predicted: number, clockSlack = 0) {
  const off = Math.max(0, Math.abs(counted - predicted) - clockSlack) / predicted;
  expect(off, `${what}: counted ${counted}, predicted ${predicted}`).toBeLessThanOrEqual(0.1);
}

describe('the cost model against the local stack', () => {
  it.each([
    ['one small ZIP of 3 files', 3, 100_000, {}],
    ['one ZIP of 300 files', 300, 10_000, {}],
    ['3 ZIPs of 51 MiB (split at 100 MiB)', 3, 51 * MiB, { max_zip_size_bytes: 100 * MiB, compression: 'store' }],
  ] as const)('%s: invocations, transitions, S3 and DynamoDB requests within 10 %%', async (name, files, size, options) => {
    const urls = Array.from({ length: files }, (_, i) => sources.set(`/${encodeURIComponent(name)}/${i}.bin`, { size }));
    const { counted, usage, events, shape } = await measure({ urls, ...options }, files, files * size);
    console.info(`${name}: counted ${JSON.stringify(counted)}`);
    for (const fn of JOB_FUNCTIONS) expectWithin10Percent(`${fn} invocations`, counted.invocations[fn] ?? 0, usage.invocations[fn]);
    expect(sum(counted.invocations)).toBe(sum(usage.invocations));
    expectWithin10Percent('state transitions', counted.transitions, usage.transitions);
    expectWithin10Percent('S3 PUT/COPY/POST/LIST', sum(counted.s3, (op) => s3RequestClass(op) === 'write'), sum(usage.s3, (op) => s3RequestClass(op) === 'write'));
    expectWithin10Percent('S3 GET/HEAD', sum(counted.s3, (op) => s3RequestClass(op) === 'read'), sum(usage.s3, (op) => s3RequestClass(op) === 'read'));
    // BuildZip's owner check (every 5 s) and progress write (at most once a second) follow the clock; the model
    // spreads the builds' time, cold starts included, evenly over the ZIPs, so for builds of a few seconds each ZIP
    // may be one check and one progress write apart from it.
    expectWithin10Percent('DynamoDB reads', sum(counted.dynamodb, (op) => DYNAMO_READS.has(op)), sum(usage.dynamodb, (op) => DYNAMO_READS.has(op)), shape.zips);
    expectWithin10Percent('DynamoDB writes', sum(counted.dynamodb, (op) => !DYNAMO_READS.has(op)), sum(usage.dynamodb, (op) => !DYNAMO_READS.has(op)), shape.zips);
    expect(events).toBe(usage.busEvents);
  }, 240_000);
});

describe("the local stack's request classifiers", () => {
  it("S3 by method, key and sub-resource; DynamoDB by X-Amz-Target", () => {
    const cases: [string, string, Record<string, string>, string][] = [
      ['PUT', '/b/k', {}, 'PutObject'],
      ['PUT', '/b/k?partNumber=2&uploadId=u', {}, 'UploadPart'],
      ['PUT', '/b/k', { 'x-amz-copy-source': '/b/j' }, 'CopyObject'],
      ['PUT', '/b', {}, 'CreateBucket'],
      ['POST', '/b/k?uploads', {}, 'CreateMultipartUpload'],
      ['POST', '/b/k?uploadId=u', {}, 'CompleteMultipartUpload'],
      ['POST', '/b?delete', {}, 'DeleteObjects'],
      ['DELETE', '/b/k?uploadId=u', {}, 'AbortMultipartUpload'],
      ['DELETE', '/b/a/b/c', {}, 'DeleteObject'],
      ['GET', '/b/k?X-Amz-Signature=s', {}, 'GetObject'],
      ['GET', '/b?list-type=2&prefix=p', {}, 'ListObjectsV2'],
      ['GET', '/b/', {}, 'ListObjects'],
      ['HEAD', '/b/k', {}, 'HeadObject'],
    ];
    for (const [method, url, headers, op] of cases) expect(s3Operation(method, url, headers), `${method} ${url}`).toBe(op);
    expect(dynamoDbOperation({ 'x-amz-target': 'DynamoDB_20120810.BatchWriteItem' })).toBe('BatchWriteItem');
    expect(dynamoDbOperation({})).toBe('Unknown');
  });
});
