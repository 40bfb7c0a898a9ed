import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { tenantS3Client } from '../../lambdas/adapters/tenant-s3';
import type { TenantBucket } from '../../lambdas/core/buckets/model';
import { storageProblem } from '../../lambdas/core/buckets/storage-errors';

const bucket = (endpoint: string): TenantBucket => ({
  tenant_id: 't',
  name: 'n',
  service: 's3',
  bucket: 'b',
  region: 'us-east-1',
  endpoint,
  created_at: 'c',
  updated_at: 'u',
});
const keys = { access_key_id: 'k', secret_access_key: 's' };

describe("a tenant endpoint's addresses", () => {
  it('are checked when connecting: a name resolving to a loopback address is refused before any connection (deployed)', async () => {
    const client = tenantS3Client(bucket('http://localhost:9'), keys, { allowPrivateAddresses: false });
    const error = await client.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' })).catch((e: unknown) => e);
    client.destroy();
    expect((error as { name?: string }).name).toBe('BlockedAddress');
    expect(storageProblem(error, 's3://b/k')).toBe('endpoint refused: it points to a private or loopback address');
  });

  it('may be private on the local stack (the connection is tried, and refused by the closed port)', async () => {
    const client = tenantS3Client(bucket('http://localhost:9'), keys, { allowPrivateAddresses: true });
    const error = await client.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' })).catch((e: unknown) => e);
    client.destroy();
    expect((error as { code?: string }).code).toBe('ECONNREFUSED');
  });
});
