/**
 * A presigned URL is bound to its method: S3 answers 403 to a HEAD on a URL
 * presigned for GetObject (the local S3 stand-in checks no signature, so the
 * e2e tests cannot see it). The download URLs are checked here against the
 * SDK's own presigning, at a frozen clock.
 */
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { s3BlobStore } from '../../lambdas/adapters/blob-store';
import { attachmentDisposition } from '../../lambdas/core/content-disposition';

const client = new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
const input = { Bucket: 'zips', Key: 'zips/job/zip_1.zip', ResponseContentDisposition: attachmentDisposition('a.zip'), ResponseContentType: 'application/zip' };

beforeEach(() => void vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-04-22T10:00:00Z') }));
afterEach(() => void vi.useRealTimers());

describe('presigned download URLs', () => {
  it('signs a HEAD for HeadObject and a GET for GetObject', async () => {
    const blobs = s3BlobStore(client, 'zips');
    const head = await blobs.presignDownload(input.Key, 'a.zip', 300, 'HEAD');
    const get = await blobs.presignDownload(input.Key, 'a.zip', 300);
    expect(head).toBe(await getSignedUrl(client, new HeadObjectCommand(input), { expiresIn: 300 }));
    expect(get).toBe(await getSignedUrl(client, new GetObjectCommand(input), { expiresIn: 300 }));
    expect(new URL(head).searchParams.get('X-Amz-Signature')).not.toBe(new URL(get).searchParams.get('X-Amz-Signature'));
  });
});
