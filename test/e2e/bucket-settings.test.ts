/**
 * `/settings/buckets`: a tenant configures its own bucket on a foreign
 * S3-compatible endpoint (standing in for R2), verified at once by a probe
 * write; failures name their cause; keys are never shown; buckets are the
 * tenant's alone.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { seedApiKey } from '../../lib/local/seed';
import { ForeignS3 } from './support/foreign-s3';
import { useLocalApi } from './support/use-local-api';

const r2 = new ForeignS3(['zips', 'locked']);
const api = useLocalApi(r2);
const OTHER_KEY = 'bucket-settings-other-tenant';

const r2Body = (overrides: Record<string, unknown> = {}) => ({
  service: 'r2',
  bucket: 'zips',
  endpoint: r2.endpoint,
  access_key_id: r2.accessKeyId,
  secret_access_key: r2.secretAccessKey,
  ...overrides,
});

describe('bucket settings', () => {
  it('configures a bucket after a probe write, and never shows its keys', async () => {
    const put = await api.request('PUT', '/settings/buckets/reports', { body: r2Body() });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.bucket).toMatchObject({ name: 'reports', service: 'r2', bucket: 'zips', endpoint: r2.endpoint });
    expect(JSON.stringify(put.body)).not.toContain(r2.secretAccessKey);
    expect(JSON.stringify(put.body)).not.toContain(r2.accessKeyId);
    // The probe object was written and deleted again.
    expect(await r2.listKeys('zips')).toEqual([]);

    const one = await api.request('GET', '/settings/buckets/reports');
    expect(one.status).toBe(200);
    expect(one.body.bucket).toEqual(put.body.bucket);
    const all = await api.request('GET', '/settings/buckets');
    expect(all.body.buckets.map((b: { name: string }) => b.name)).toEqual(['reports']);
    expect(JSON.stringify(all.body)).not.toContain(r2.secretAccessKey);

    // The keys are in Secrets Manager (the local stack's stand-in), and the table holds only the secret's name.
    const secrets = new SecretsManagerClient({});
    const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    try {
      const secret = await secrets.send(new GetSecretValueCommand({ SecretId: 'zipjobs-local/buckets/local/reports' }));
      expect(JSON.parse(secret.SecretString!)).toEqual({ access_key_id: r2.accessKeyId, secret_access_key: r2.secretAccessKey });
      const item = await dynamo.send(new GetCommand({ TableName: process.env.TABLE_NAME!, Key: { pk: 'TENANT#local', sk: 'BUCKET#reports' } }));
      expect(item.Item?.credentials_secret).toBe('zipjobs-local/buckets/local/reports');
      expect(JSON.stringify(item.Item)).not.toContain(r2.secretAccessKey);
    } finally {
      secrets.destroy();
      dynamo.destroy();
    }
  });

  it('answers 400 naming the cause when the bucket is missing, the keys are wrong or writes are refused', async () => {
    const missing = await api.request('PUT', '/settings/buckets/gone', { body: r2Body({ bucket: 'no-such-bucket' }) });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toBe('bucket: bucket does not exist');

    const badKey = await api.request('PUT', '/settings/buckets/bad', { body: r2Body({ access_key_id: 'WRONG' }) });
    expect(badKey.status).toBe(400);
    expect(badKey.body.error.message).toBe('access_key_id: credentials rejected');
    const badSecret = await api.request('PUT', '/settings/buckets/bad', { body: r2Body({ secret_access_key: 'wrong' }) });
    expect(badSecret.status).toBe(400);
    expect(badSecret.body.error.message).toBe('access_key_id: credentials rejected');

    r2.refuseWrites('locked');
    const refused = await api.request('PUT', '/settings/buckets/locked', { body: r2Body({ bucket: 'locked' }) });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/^bucket: bucket permissions: AccessDenied \(s3:\/\/locked\/zipjobs-probe-[0-9a-f-]+\)$/);

    // Nothing of the failed attempts was kept.
    const names = (await api.request('GET', '/settings/buckets')).body.buckets.map((b: { name: string }) => b.name);
    expect(names).not.toContain('gone');
    expect(names).not.toContain('bad');
    expect(names).not.toContain('locked');
  });

  it('answers 400 naming the field for a malformed configuration', async () => {
    const cases: [unknown, string][] = [
      [{ service: 'gcs', bucket: 'zips' }, 'service'],
      [{ service: 'r2', bucket: 'zips', access_key_id: 'a', secret_access_key: 'b' }, 'account_id'],
      [{ service: 'r2', bucket: 'zips', account_id: 'abc' }, 'access_key_id'],
      [{ service: 's3', bucket: 'Not_A_Bucket' }, 'bucket'],
      [r2Body({ endpoint: 'ftp://example.com' }), 'endpoint'],
      [r2Body({ extra: 1 }), 'extra'],
    ];
    for (const [body, field] of cases) {
      const res = await api.request('PUT', '/settings/buckets/x', { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
    }
    const badName = await api.request('PUT', '/settings/buckets/_bad', { body: r2Body() });
    expect(badName.status).toBe(400);
  });

  it("keeps a tenant's buckets its own, and deletes them with their keys", async () => {
    await seedApiKey(process.env.TABLE_NAME!, OTHER_KEY, 'bucket-settings-other');
    expect((await api.request('PUT', '/settings/buckets/mine', { body: r2Body() })).status).toBe(200);
    expect((await api.request('GET', '/settings/buckets/mine', { key: OTHER_KEY })).status).toBe(404);
    expect((await api.request('DELETE', '/settings/buckets/mine', { key: OTHER_KEY })).status).toBe(404);
    expect((await api.request('GET', '/settings/buckets', { key: OTHER_KEY })).body.buckets).toEqual([]);

    expect((await api.request('DELETE', '/settings/buckets/mine')).status).toBe(200);
    expect((await api.request('GET', '/settings/buckets/mine')).status).toBe(404);
    expect((await api.request('DELETE', '/settings/buckets/mine')).status).toBe(404);
    const secrets = new SecretsManagerClient({});
    await expect(secrets.send(new GetSecretValueCommand({ SecretId: 'zipjobs-local/buckets/local/mine' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    secrets.destroy();
  });
});
