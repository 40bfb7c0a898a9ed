/**
 * Versions end to end at the use-case level. The S3 stand-in keeps no
 * versions, so the tenant's bucket is mocked (aws-sdk-client-mock): its
 * ListObjectVersions and versioned GetObject answers. The seed's version
 * request is resolved (version lookup, naming), built by BuildZip into the
 * service's bucket (the stand-in) and read back: `myfile.exe`,
 * `myfile (Version 5).exe`, `myfile2.exe`, each with that version's bytes.
 */
process.env.ZIPJOBS_QUIET = 'true';
import { GetObjectCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectIdStore } from '../../lambdas/adapters/object-id-store';
import { s3ObjectCatalog } from '../../lambdas/adapters/object-catalog';
import { objectKeys, type Bin } from '../../lambdas/core/jobs/model';
import { toObjectRef, zipballRequestSchema } from '../../lambdas/core/objects';
import { parseOrThrow } from '../../lambdas/core/validation';
import { buildZip } from '../../lambdas/usecases/build-zip';
import { resolveObjects } from '../../lambdas/usecases/resolve-objects';
import { buildFakes, objectBuildDeps } from '../support/build-fakes';
import { S3StandIn } from '../support/s3-standin';
import { readZipWithYauzl } from '../support/zip-readers';

// The seed's request, as written.
const SEED_VERSIONS = {
  objects: [{ path: '/dir/myfile.exe' }, { path: '/dir/myfile.exe', version: 5 }, { path: '/dir/myfile2.exe', revision: '0e4b563b' }],
};

const service = new S3StandIn();
beforeAll(() => service.start(['service']));
afterAll(() => service.stop());

/** The tenant's versioned bucket: myfile.exe has 7 versions, myfile2.exe 3 (the middle one is 0e4b563b…). */
const tenant = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const bucket = mockClient(tenant);
const revisionsOf: Record<string, string[]> = {
  'paket/dir/myfile.exe': ['a7', 'a6', 'a5', 'a4', 'a3', 'a2', 'a1'].map((r) => `${r}000000`),
  'paket/dir/myfile2.exe': ['11bb0000', '0e4b563b9d2c', '11aa0000'],
};
const content = (key: string, revision: string) => `${key} at ${revision}\n`;

bucket.on(ListObjectVersionsCommand).callsFake((input: { Prefix: string }) => ({
  IsTruncated: false,
  Versions: (revisionsOf[input.Prefix] ?? []).map((r, i) => ({
    Key: input.Prefix,
    VersionId: r,
    IsLatest: i === 0,
    Size: content(input.Prefix, r).length,
    ETag: `"etag-${r}"`,
    LastModified: new Date(Date.UTC(2026, 0, 20 - i)),
  })),
}));
bucket.on(GetObjectCommand).callsFake((input: { Key: string; VersionId: string; IfMatch?: string }) => {
  const body = Buffer.from(content(input.Key, input.VersionId));
  return { Body: Readable.from([body]), ContentLength: body.length, ETag: `"etag-${input.VersionId}"`, VersionId: input.VersionId, LastModified: new Date(Date.UTC(2026, 0, 1)) };
});

const noIds: ObjectIdStore = { idsFor: async () => new Map(), keyOf: async () => undefined };

describe('versions of one object side by side', () => {
  it("resolves, names and zips the seed's version request", async () => {
    const refs = parseOrThrow(zipballRequestSchema, SEED_VERSIONS).objects.map(toObjectRef);
    const resolved = await resolveObjects({ catalog: s3ObjectCatalog({ client: tenant, bucket: 'tenant-bucket' }), ids: noIds }, { tenant_id: 'acme', bucket_name: 'media', prefix: 'paket/' }, refs, 100);
    expect(resolved).toEqual([
      { ok: true, url: 's3://media/paket/dir/myfile.exe', filename: 'myfile.exe', size: expect.any(Number), last_modified: '2026-01-20T00:00:00.000Z', object: { revision: 'a7000000', etag: '"etag-a7000000"' } },
      { ok: true, url: 's3://media/paket/dir/myfile.exe', filename: 'myfile (Version 5).exe', size: expect.any(Number), last_modified: '2026-01-18T00:00:00.000Z', object: { revision: 'a5000000', etag: '"etag-a5000000"' } },
      { ok: true, url: 's3://media/paket/dir/myfile2.exe', filename: 'myfile2.exe', size: expect.any(Number), last_modified: '2026-01-19T00:00:00.000Z', object: { revision: '0e4b563b9d2c', etag: '"etag-0e4b563b9d2c"' } },
    ]);

    const entries = resolved.map((r, index) => (r.ok ? { index, url: r.url, filename: r.filename, size: r.size, object: r.object } : expect.unreachable()));
    const bin: Bin = { zip_id: 'zv', sequence: 1, filename: 'versions.zip', entries };
    const job = { id: 'job-v', tenant_id: 'acme', run: 1, status: 'processing', created_at: '2026-01-01T00:00:00.000Z', options: { compression: 'store', fail_on_url_error: true, max_zip_size_bytes: null, allow_oversize_zips: true } };
    const { store, blobs, zips } = buildFakes(job, bin);
    const deps = objectBuildDeps({ store, blobs }, service.client, tenant, 'tenant-bucket');
    expect(await buildZip(deps, 'job-v', { zip_id: 'zv', sequence: 1, bin_key: 'bins/v' })).toEqual({ done: true });
    expect(zips.get(1)).toMatchObject({ status: 'completed', file_count: 3 });

    const gets = bucket.commandCalls(GetObjectCommand).map((c) => c.args[0].input);
    expect(gets.map((g) => [g.Bucket, g.Key, g.VersionId, g.IfMatch])).toEqual([
      ['tenant-bucket', 'paket/dir/myfile.exe', 'a7000000', '"etag-a7000000"'],
      ['tenant-bucket', 'paket/dir/myfile.exe', 'a5000000', '"etag-a5000000"'],
      ['tenant-bucket', 'paket/dir/myfile2.exe', '0e4b563b9d2c', '"etag-0e4b563b9d2c"'],
    ]);
    const out = await service.client.send(new GetObjectCommand({ Bucket: 'service', Key: objectKeys.zip('job-v', 'zv') }));
    const zip = await readZipWithYauzl(Buffer.from(await out.Body!.transformToByteArray()));
    expect(zip.map((e) => [e.name, e.data.toString()])).toEqual([
      ['myfile.exe', content('paket/dir/myfile.exe', 'a7000000')],
      ['myfile (Version 5).exe', content('paket/dir/myfile.exe', 'a5000000')],
      ['myfile2.exe', content('paket/dir/myfile2.exe', '0e4b563b9d2c')],
    ]);
  });

  it('names a missing version, an ambiguous revision and an unknown id as failed entries', async () => {
    const refs = [
      { kind: 'path', path: '/dir/myfile.exe', want: { kind: 'version', version: 8 } },
      { kind: 'path', path: '/dir/myfile2.exe', want: { kind: 'revision', revision: '11' } },
      { kind: 'path', path: '/dir/none.exe', want: { kind: 'latest' } },
      { kind: 'id', id: '0b6e2f4c-8d51-4a4b-9c1e-3d2f1a0b9c8d', want: { kind: 'latest' } },
    ] as const;
    const resolved = await resolveObjects({ catalog: s3ObjectCatalog({ client: tenant, bucket: 'tenant-bucket' }), ids: noIds }, { tenant_id: 'acme', bucket_name: 'media', prefix: 'paket/' }, refs, 100);
    expect(resolved).toEqual([
      { ok: false, url: 's3://media/paket/dir/myfile.exe', error: 'version 8 not found (the object has 7)' },
      { ok: false, url: 's3://media/paket/dir/myfile2.exe', error: 'revision 11 matches 2 versions' },
      { ok: false, url: 's3://media/paket/dir/none.exe', error: 'object not found' },
      { ok: false, url: '0b6e2f4c-8d51-4a4b-9c1e-3d2f1a0b9c8d', error: 'object not found' },
    ]);
  });
});
