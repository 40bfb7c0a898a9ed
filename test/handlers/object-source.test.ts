import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { Readable } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { objectError, objectSourceOpener } from '../../lambdas/adapters/object-source';
import { FetchError } from '../../lambdas/core/fetch';

const s3 = mockClient(S3Client);
const client = new S3Client({ region: 'us-east-1' });
const open = objectSourceOpener(async (tenant, name) => (tenant === 't' && name === 'paket' ? { client, bucket: 'real-bucket' } : undefined));
const failure = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
// The adapter only iterates the body (a Node stream, as the SDK gives it).
const body = (text: string) => Readable.from([Buffer.from(text)]) as never;

beforeEach(() => s3.reset());

describe('object source', () => {
  it('reads the pinned version, and a resume asks for the rest of that version with If-Match', async () => {
    s3.on(GetObjectCommand).resolves({ Body: body('llo'), ContentLength: 3, ContentRange: 'bytes 2-4/5', ETag: '"e1"', LastModified: new Date('2026-02-03T04:05:06Z') });
    const source = { url: 's3://paket/dir/myfile.exe', tenant_id: 't', object: { revision: 'v5', etag: '"e1"' } };
    const opened = await open(source, { maxBytes: 5, rangeStart: 2, ifRange: '"e1"' });
    expect(s3.commandCalls(GetObjectCommand)[0]!.args[0].input).toEqual({ Bucket: 'real-bucket', Key: 'dir/myfile.exe', VersionId: 'v5', Range: 'bytes=2-', IfMatch: '"e1"' });
    expect(opened).toMatchObject({ url: 's3://paket/dir/myfile.exe', status: 206, contentLength: 3, totalSize: 5, filename: 'myfile.exe', acceptsRanges: true, etag: '"e1"', lastModified: 'Tue, 03 Feb 2026 04:05:06 GMT' });
    const chunks: Buffer[] = [];
    for await (const c of opened.body) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('llo');
  });

  it('refuses an answer that ignored the range, or is larger than allowed', async () => {
    s3.on(GetObjectCommand).resolvesOnce({ Body: body('hello'), ContentLength: 5, ETag: '"e1"' }).resolvesOnce({ Body: body('hello'), ContentLength: 5 });
    await expect(open({ url: 's3://paket/a', tenant_id: 't' }, { maxBytes: 5, rangeStart: 2 })).rejects.toMatchObject({ kind: 'range-not-honoured', retryable: true });
    await expect(open({ url: 's3://paket/a', tenant_id: 't' }, { maxBytes: 4 })).rejects.toMatchObject({ kind: 'too-large' });
  });

  it.each<[unknown, string, boolean]>([
    [failure('NoSuchKey', 404), 'object not found', false],
    [failure('NoSuchVersion', 404), 'object version not found', false],
    [failure('NoSuchBucket', 404), 'bucket does not exist', false],
    [failure('PreconditionFailed', 412), 'object changed', false],
    [failure('AccessDenied', 403), 'access denied', false],
    [failure('SlowDown', 503), 'HTTP 503', true],
    [failure('InternalError', 500), 'HTTP 500', true],
    [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'connection failed: ECONNRESET', true],
  ])('maps %s to "%s" (retryable: %s)', (error, message, retryable) => {
    const mapped = objectError(error);
    expect(mapped).toBeInstanceOf(FetchError);
    expect({ message: mapped.message, retryable: mapped.retryable }).toEqual({ message, retryable });
  });

  it('names a bucket the tenant has not configured', async () => {
    await expect(open({ url: 's3://other/a', tenant_id: 't' }, { maxBytes: 10 })).rejects.toThrow('no bucket named other');
    await expect(open({ url: 's3://paket/a', tenant_id: 'someone-else' }, { maxBytes: 10 })).rejects.toThrow('no bucket named paket');
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });
});
