/**
 * Paths, ids and folders resolved against objects in the S3 stand-in (which
 * keeps one version per key): the seed's path/folder and override requests
 * as written, and a folder of 2,000 objects listed page by page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3ObjectCatalog } from '../../lambdas/adapters/object-catalog';
import { mapConcurrent } from '../../lambdas/core/packing';
import { toObjectRef, zipballRequestSchema } from '../../lambdas/core/objects';
import { parseOrThrow } from '../../lambdas/core/validation';
import { resolveObjects } from '../../lambdas/usecases/resolve-objects';
import { memoryObjectIds } from '../support/object-ids-fake';
import { S3StandIn } from '../support/s3-standin';

const storage = new S3StandIn();
beforeAll(async () => {
  await storage.start(['tenant-media']);
  for (const key of ['dir/myfile.exe', 'dir/myfile2.exe', 'anotherDir/x/y.txt', 'anotherDir/readme.md', 'anotherDir/', 'anotherDirt/no.txt', 'elsewhere/myfile.zip']) {
    await storage.put('tenant-media', `paket/${key}`, `content of ${key}`);
  }
  await storage.put('tenant-media', 'outside-the-paket.txt', 'not ours');
});
afterAll(() => storage.stop());

const paket = { tenant_id: 'acme', bucket_name: 'media', prefix: 'paket/' };
const refsOf = (body: unknown) => parseOrThrow(zipballRequestSchema, body).objects.map(toObjectRef);

describe('objects by path, id and folder', () => {
  it("resolves the seed's path and folder request to the seed's names", async () => {
    const ids = memoryObjectIds();
    const resolved = await resolveObjects(
      { catalog: s3ObjectCatalog({ client: storage.client, bucket: 'tenant-media' }), ids },
      paket,
      refsOf({ objects: [{ path: '/dir/myfile.exe' }, { path: '/dir/myfile2.exe' }, { folder: '/anotherDir' }] }),
      100,
    );
    expect(resolved.map((r) => (r.ok ? [r.filename, r.url, r.size] : r.error))).toEqual([
      ['myfile.exe', 's3://media/paket/dir/myfile.exe', 'content of dir/myfile.exe'.length],
      ['myfile2.exe', 's3://media/paket/dir/myfile2.exe', 'content of dir/myfile2.exe'.length],
      ['anotherDir/readme.md', 's3://media/paket/anotherDir/readme.md', 'content of anotherDir/readme.md'.length],
      ['anotherDir/x/y.txt', 's3://media/paket/anotherDir/x/y.txt', 'content of anotherDir/x/y.txt'.length],
    ]);
    // Every object is pinned to the ETag it had when it was resolved; a store without versions has no version id to pin.
    for (const r of resolved) expect(r.ok && r.object).toEqual({ etag: expect.stringMatching(/^"[0-9a-f]{32}"$/) });
    // The folder's objects were seen, so they have ids now.
    expect(ids.size).toBe(2);
  });

  it("resolves the seed's override request: the id's object at the path given", async () => {
    const ids = memoryObjectIds();
    const id = (await ids.idsFor('acme', 'media', ['paket/elsewhere/myfile.zip'])).get('paket/elsewhere/myfile.zip')!;
    const deps = { catalog: s3ObjectCatalog({ client: storage.client, bucket: 'tenant-media' }), ids };
    const [resolved] = await resolveObjects(deps, paket, refsOf({ objects: [{ id, override: '/my/custom/path/myfile.zip' }] }), 100);
    expect(resolved).toMatchObject({ ok: true, filename: 'my/custom/path/myfile.zip', url: 's3://media/paket/elsewhere/myfile.zip' });
    // Another tenant's id names nothing here.
    const [foreign] = await resolveObjects(deps, { ...paket, tenant_id: 'globex' }, refsOf({ objects: [{ id }] }), 100);
    expect(foreign).toEqual({ ok: false, url: id, error: 'object not found' });
  });

  it('names an empty folder and a folder over the limit as failures', async () => {
    const deps = { catalog: s3ObjectCatalog({ client: storage.client, bucket: 'tenant-media' }), ids: memoryObjectIds() };
    const resolved = await resolveObjects(deps, paket, refsOf({ objects: [{ folder: '/nothing' }, { folder: '/anotherDir' }] }), 1);
    expect(resolved).toEqual([
      { ok: false, url: 's3://media/paket/nothing/', error: 'folder /nothing is empty or does not exist' },
      { ok: false, url: 's3://media/paket/anotherDir/', error: 'folder /anotherDir holds more than 1 objects' },
    ]);
  });

  it('expands a folder of 2,000 objects, page by page, in key order', async () => {
    const keys = Array.from({ length: 2000 }, (_, i) => `paket/big/${String(i % 7)}/${String(i).padStart(4, '0')}.txt`);
    await mapConcurrent(keys, 16, (key) => storage.put('tenant-media', key, key));
    const ids = memoryObjectIds();
    const resolved = await resolveObjects({ catalog: s3ObjectCatalog({ client: storage.client, bucket: 'tenant-media' }), ids }, paket, refsOf({ objects: [{ folder: '/big' }] }), 25_000);
    expect(resolved).toHaveLength(2000);
    expect(resolved.map((r) => r.ok && r.url)).toEqual([...keys].sort().map((k) => `s3://media/${k}`));
    expect(new Set(resolved.map((r) => r.ok && r.filename)).size).toBe(2000);
    expect(resolved[0]).toMatchObject({ ok: true, filename: 'big/0/0000.txt' });
    expect(ids.size).toBe(2000);
  });
});
