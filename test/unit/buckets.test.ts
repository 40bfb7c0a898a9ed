import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketEndpoint, bucketView, type TenantBucket } from '../../lambdas/core/buckets/model';
import { objectKeyFilename, objectKeyProblem, renderObjectKeys } from '../../lambdas/core/buckets/object-key';
import { bucketSettingsRequestSchema } from '../../lambdas/core/buckets/settings-request';
import { storageProblem } from '../../lambdas/core/buckets/storage-errors';

const ctx = (total: number) => ({ jobId: '3f0c0000-0000-4000-8000-000000000000', createdAt: new Date('2026-12-01T03:00:00Z'), total });

describe('object keys in a tenant bucket', () => {
  it('renders the directory as written and the last segment by the ZIP-name rules', () => {
    expect(renderObjectKeys('reports/{date}/daily.zip', ctx(1))).toEqual(['reports/2026-12-01/daily.zip']);
    expect(renderObjectKeys('reports/{date}/daily.zip', ctx(3))).toEqual(['reports/2026-12-01/daily_1.zip', 'reports/2026-12-01/daily_2.zip', 'reports/2026-12-01/daily_3.zip']);
    expect(renderObjectKeys('batch-{n}/part-{n2}.zip', ctx(2))).toEqual(['batch-1/part-01.zip', 'batch-2/part-02.zip']);
    expect(renderObjectKeys('my-archive', ctx(1))).toEqual(['my-archive.zip']);
    expect(objectKeyFilename('reports/{date}/daily.zip')).toBe('daily.zip');
  });

  it('refuses a leading "/", a ".." segment, a trailing "/", unknown placeholders and keys that render too long', () => {
    expect(objectKeyProblem('/a.zip', 1)).toBe('must not start with "/"');
    expect(objectKeyProblem('a/../b.zip', 1)).toBe('must not contain a ".." segment');
    expect(objectKeyProblem('a/', 1)).toBe('must end with a file name, not "/"');
    expect(objectKeyProblem('a/{month}.zip', 1)).toBe('unknown placeholder {month}');
    expect(objectKeyProblem(`${'d/'.repeat(508)}x.zip`, 1)).toBeUndefined();
    expect(objectKeyProblem(`${'d/'.repeat(508)}x.zip`, 100)).toMatch(/^must render to at most 1024 bytes/);
    expect(objectKeyProblem('a..b/c..zip', 1)).toBeUndefined();
  });

  it('gives every ZIP of a split job its own key', () => {
    fc.assert(
      fc.property(fc.constantFrom('a/b.zip', 'x/{date}/y', '{n}/z.zip', 'p/{n3}-{total}.zip', 'k'), fc.integer({ min: 1, max: 300 }), (key, total) => {
        const keys = renderObjectKeys(key, ctx(total));
        expect(new Set(keys).size).toBe(total);
        for (const k of keys) expect(k.startsWith('/') || k.split('/').includes('..')).toBe(false);
      }),
    );
  });
});

describe('bucket settings', () => {
  it('needs keys for r2 and an endpoint, and an account or endpoint for r2', () => {
    expect(bucketSettingsRequestSchema.safeParse({ service: 's3', bucket: 'my-bucket', region: 'eu-west-1' }).success).toBe(true);
    expect(bucketSettingsRequestSchema.safeParse({ service: 'r2', bucket: 'my-bucket', account_id: 'abc', access_key_id: 'k', secret_access_key: 's' }).success).toBe(true);
    expect(bucketSettingsRequestSchema.safeParse({ service: 'r2', bucket: 'my-bucket', account_id: 'abc' }).success).toBe(false);
    expect(bucketSettingsRequestSchema.safeParse({ service: 's3', bucket: 'my-bucket', endpoint: 'https://minio.example.com' }).success).toBe(false);
    expect(bucketSettingsRequestSchema.safeParse({ service: 's3', bucket: 'my-bucket', access_key_id: 'k' }).success).toBe(false);
  });

  it("derives R2's endpoint from the account, and shows no secret", () => {
    const b: TenantBucket = { tenant_id: 't', name: 'n', service: 'r2', bucket: 'b', region: 'auto', account_id: 'abc123', credentials_secret: 'zipjobs/x/buckets/t/n', created_at: 'c', updated_at: 'u' };
    expect(bucketEndpoint(b)).toBe('https://abc123.r2.cloudflarestorage.com');
    expect(bucketView(b)).toEqual({ name: 'n', service: 'r2', bucket: 'b', account_id: 'abc123', created_at: 'c', updated_at: 'u' });
  });
});

describe('storage failures, named', () => {
  const where = 's3://b/k.zip';
  it.each([
    [{ name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } }, 'bucket does not exist'],
    [{ name: 'InvalidAccessKeyId', $metadata: { httpStatusCode: 403 } }, 'credentials rejected'],
    [{ name: 'SignatureDoesNotMatch', $metadata: { httpStatusCode: 403 } }, 'credentials rejected'],
    [{ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }, 'bucket permissions: AccessDenied (s3://b/k.zip)'],
    [{ name: 'Error', code: 'ECONNREFUSED' }, 'endpoint unreachable (ECONNREFUSED)'],
    [{ name: 'BlockedAddress' }, 'endpoint refused: it points to a private or loopback address'],
  ])('%j → %s', (error, message) => {
    expect(storageProblem(error, where)).toBe(message);
  });

  it('leaves faults that may pass to the retries', () => {
    expect(storageProblem({ name: 'InternalError', $metadata: { httpStatusCode: 500 } }, where)).toBeUndefined();
    expect(storageProblem({ name: 'SlowDown', $metadata: { httpStatusCode: 503 } }, where)).toBeUndefined();
    expect(storageProblem(new Error('socket hang up'), where)).toBeUndefined();
  });
});
