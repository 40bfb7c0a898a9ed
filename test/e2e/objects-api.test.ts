/**
 * The paket over HTTP: a configured bucket (on a foreign S3-compatible
 * endpoint) named as the paket with a prefix, its objects listed with stable
 * ids and their versions (the stand-in keeps one per key), page by page.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { seedApiKey } from '../../lib/local/seed';
import { ForeignS3 } from './support/foreign-s3';
import { useLocalApi } from './support/use-local-api';

const storage = new ForeignS3(['paket-bucket'], 'paket');
const api = useLocalApi(storage);
const OTHER_KEY = 'objects-api-other-tenant';
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function upload(keys: readonly string[]): Promise<void> {
  const client = storage.client();
  try {
    for (const key of keys) await client.send(new PutObjectCommand({ Bucket: 'paket-bucket', Key: key, Body: `content of ${key}` }));
  } finally {
    client.destroy();
  }
}

describe('the paket and its objects', () => {
  it('names a configured bucket as the paket, and refuses one that is not configured', async () => {
    const bucket = { service: 'r2', bucket: 'paket-bucket', endpoint: storage.endpoint, access_key_id: storage.accessKeyId, secret_access_key: storage.secretAccessKey };
    expect((await api.request('PUT', '/settings/buckets/media', { body: bucket })).status).toBe(200);
    const refused = await api.request('PUT', '/settings/paket', { body: { bucket_name: 'nothing' } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('bucket_name: no bucket named nothing is configured');
    const put = await api.request('PUT', '/settings/paket', { body: { bucket_name: 'media', prefix: '/team' } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.paket).toMatchObject({ bucket_name: 'media', prefix: 'team/' });
    expect((await api.request('GET', '/settings/paket')).body.paket).toEqual(put.body.paket);
  });

  it('lists objects with paths relative to the paket, ids stable across listings, and their versions', async () => {
    await upload(['team/dir/myfile.exe', 'team/dir/myfile2.exe', 'team/anotherDir/x/y.txt', 'team/anotherDir/readme.md', 'outside.txt']);
    const first = await api.request('GET', '/objects');
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.objects.map((o: { path: string }) => o.path)).toEqual(['/anotherDir/readme.md', '/anotherDir/x/y.txt', '/dir/myfile.exe', '/dir/myfile2.exe']);
    expect(first.body.meta).toEqual({ next_cursor: null, has_more: false });
    const readme = first.body.objects[0];
    expect(readme).toEqual({
      id: expect.stringMatching(UUID_V4),
      path: '/anotherDir/readme.md',
      size: 'content of team/anotherDir/readme.md'.length,
      last_modified: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      versions: [{ version: 1, revision: null, size: 'content of team/anotherDir/readme.md'.length, last_modified: readme.last_modified }],
    });
    const again = await api.request('GET', '/objects');
    expect(again.body.objects.map((o: { id: string }) => o.id)).toEqual(first.body.objects.map((o: { id: string }) => o.id));
    expect(new Set(first.body.objects.map((o: { id: string }) => o.id)).size).toBe(4);
  });

  it('pages a prefix with cursors, and refuses a cursor issued for another prefix', async () => {
    const page1 = await api.request('GET', '/objects?prefix=/dir&limit=1');
    expect(page1.body.objects.map((o: { path: string }) => o.path)).toEqual(['/dir/myfile.exe']);
    expect(page1.body.meta.has_more).toBe(true);
    const page2 = await api.request('GET', `/objects?prefix=/dir&limit=1&cursor=${encodeURIComponent(page1.body.meta.next_cursor)}`);
    expect(page2.body.objects.map((o: { path: string }) => o.path)).toEqual(['/dir/myfile2.exe']);
    const wrong = await api.request('GET', `/objects?prefix=/anotherDir&cursor=${encodeURIComponent(page1.body.meta.next_cursor)}`);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toContain('cursor: is not a cursor this listing issued');
    expect((await api.request('GET', '/objects?limit=0')).body.error.message).toContain('limit: must be an integer from 1 to 1000');
  });

  it("keeps one tenant's paket from another", async () => {
    await seedApiKey(process.env.TABLE_NAME!, OTHER_KEY, 'objects-other');
    const res = await api.request('GET', '/objects', { key: OTHER_KEY });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('no paket is configured');
    expect((await api.request('PUT', '/settings/paket', { key: OTHER_KEY, body: { bucket_name: 'media' } })).status).toBe(400);
  });
});
