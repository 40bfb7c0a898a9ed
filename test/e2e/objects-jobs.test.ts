/**
 * Jobs that name stored objects, over HTTP: `files[i].object` (path, id,
 * folder) of the paket and `s3://<bucket_name>/<key>` URLs, resolved by
 * Prepare, built in stored mode and streamed in stream mode (whole and by a
 * range); objects that cannot be found, and the validation answers.
 */
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { seedApiKey } from '../../lib/local/seed';
import { readZipWithYauzl } from '../support/zip-readers';
import { ForeignS3 } from './support/foreign-s3';
import { useLocalApi } from './support/use-local-api';

const storage = new ForeignS3(['jobs-paket'], 'objjobs');
const api = useLocalApi(storage);
const NO_PAKET_KEY = 'objects-jobs-no-paket';

const objects: Record<string, string> = {
  'team/dir/myfile.exe': 'the newest myfile.exe',
  'team/dir/myfile2.exe': 'myfile2 bytes',
  'team/anotherDir/readme.md': '# readme',
  'team/anotherDir/x/y.txt': 'y'.repeat(70_000),
};

const s3 = (command: PutObjectCommand | DeleteObjectCommand) => storage.send(command);

async function setUp(): Promise<void> {
  for (const [key, body] of Object.entries(objects)) await s3(new PutObjectCommand({ Bucket: 'jobs-paket', Key: key, Body: body }));
  const bucket = { service: 'r2', bucket: 'jobs-paket', endpoint: storage.endpoint, access_key_id: storage.accessKeyId, secret_access_key: storage.secretAccessKey };
  expect((await api.request('PUT', '/settings/buckets/media', { body: bucket })).status).toBe(200);
  expect((await api.request('PUT', '/settings/paket', { body: { bucket_name: 'media', prefix: 'team' } })).status).toBe(200);
}

async function run(body: Record<string, unknown>) {
  const res = await api.request('POST', '/jobs', { body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return api.waitForJob(res.body.job_id);
}

async function entriesOf(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { res, bytes };
}

describe('jobs naming stored objects', () => {
  it('builds a stored ZIP of a path, a folder and an s3:// URL, named by the objects rules', async () => {
    await setUp();
    const job = await run({
      files: [{ object: { path: '/dir/myfile.exe' } }, { object: { folder: '/anotherDir' } }, { url: 's3://media/team/dir/myfile2.exe', filename: 'renamed.exe' }],
      compression: 'store',
    });
    expect(job.status, JSON.stringify(job.errors)).toBe('completed');
    expect(job.files).toEqual([
      { object: { path: '/dir/myfile.exe' }, entry_name: null },
      { object: { folder: '/anotherDir' }, entry_name: null },
      { url: 's3://media/team/dir/myfile2.exe', filename: 'renamed.exe', entry_name: null },
    ]);
    // Progress counts the folder's objects.
    expect(job.progress.files_total).toBe(4);
    const { bytes } = await api.download(job.download_url);
    const entries = await readZipWithYauzl(bytes);
    expect(entries.map((e) => [e.name, e.data.toString()])).toEqual([
      ['myfile.exe', objects['team/dir/myfile.exe']],
      ['anotherDir/readme.md', objects['team/anotherDir/readme.md']],
      ['anotherDir/x/y.txt', objects['team/anotherDir/x/y.txt']],
      ['renamed.exe', objects['team/dir/myfile2.exe']],
    ]);
  });

  it('streams a stream job of objects, whole and by a range, and split jobs need no probe of them', async () => {
    const job = await run({ files: [{ object: { folder: '/anotherDir' } }, { object: { path: '/dir/myfile2.exe' } }], mode: 'stream', compression: 'store' });
    expect(job.status, JSON.stringify(job.errors)).toBe('completed');
    const whole = await entriesOf(job.download_url);
    expect(whole.res.status).toBe(200);
    expect(whole.bytes.length).toBe(job.zip_size);
    const entries = await readZipWithYauzl(whole.bytes);
    expect(entries.map((e) => e.name)).toEqual(['anotherDir/readme.md', 'anotherDir/x/y.txt', 'myfile2.exe']);
    expect(entries[1]!.data.toString()).toBe(objects['team/anotherDir/x/y.txt']);
    const part = await entriesOf(job.download_url, { Range: 'bytes=100-40099' });
    expect(part.res.status).toBe(206);
    expect(part.bytes.equals(whole.bytes.subarray(100, 40_100))).toBe(true);

    const split = await run({ files: [{ object: { path: '/dir/myfile.exe' } }, { url: 's3://media/team/dir/myfile2.exe' }], max_zip_size_bytes: 104_857_600 });
    expect(split.status, JSON.stringify(split.errors)).toBe('completed');
    const built = await readZipWithYauzl((await api.download(split.download_url)).bytes);
    expect(built.map((e) => e.name)).toEqual(['myfile.exe', 'myfile2.exe']);
  });

  it('fails a job whose object is missing, or leaves it out and reports it (fail_on_url_error: false)', async () => {
    const failed = await run({ files: [{ object: { path: '/dir/nope.exe' } }, { object: { path: '/dir/myfile.exe' } }] });
    expect(failed.status).toBe('failed');
    expect(failed.errors).toContainEqual({ url: 's3://media/team/dir/nope.exe', error: 'object not found' });
    const kept = await run({ files: [{ object: { folder: '/empty' } }, { object: { path: '/dir/myfile.exe' } }], fail_on_url_error: false });
    expect(kept.status).toBe('completed');
    expect(kept.errors).toContainEqual({ url: 's3://media/team/empty/', error: 'folder /empty is empty or does not exist' });
    expect((await readZipWithYauzl((await api.download(kept.download_url)).bytes)).map((e) => e.name)).toEqual(['myfile.exe']);
  });

  it('fails the stream download with 502 before any byte when an object was deleted after the job was prepared', async () => {
    await s3(new PutObjectCommand({ Bucket: 'jobs-paket', Key: 'team/tmp/gone.txt', Body: 'soon gone' }));
    const job = await run({ files: [{ object: { path: '/dir/myfile.exe' } }, { object: { path: '/tmp/gone.txt' } }], mode: 'stream', compression: 'store' });
    expect(job.status).toBe('completed');
    await s3(new DeleteObjectCommand({ Bucket: 'jobs-paket', Key: 'team/tmp/gone.txt' }));
    const res = await entriesOf(job.download_url);
    expect(res.res.status).toBe(502);
    expect(JSON.parse(res.bytes.toString()).error.message).toContain('s3://media/team/tmp/gone.txt: object not found');
  });

  it('answers 400 naming the field for bad object references, unknown buckets and a missing paket', async () => {
    const bad = async (files: unknown[], key?: string) => {
      const res = await api.request('POST', '/jobs', { body: { files }, key });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      return res.body.error.message as string;
    };
    expect(await bad([{ object: { path: '/a', id: '8f2e1b1c-7a4e-4c1e-9a55-0d3c6f3b2a10' } }])).toContain('files[0].object: exactly one of path, id or folder is allowed');
    expect(await bad([{ url: 'https://example.com/a' }, { object: {} }])).toContain('files[1].object: exactly one of path, id or folder is required');
    expect(await bad([{ object: { folder: '/' } }])).toContain('files[0].object.folder: the root folder "/" is not allowed');
    expect(await bad([{ object: { path: '/a', override: '/b' } }])).toContain('files[0].object.override: is only allowed with id');
    expect(await bad([{ object: { path: '/a' }, filename: 'b' }])).toContain('files[0].filename: is not allowed with object');
    expect(await bad([{ url: 's3://elsewhere/a.txt' }])).toContain('files[0].url: no bucket named elsewhere is configured');
    await seedApiKey(process.env.TABLE_NAME!, NO_PAKET_KEY, 'objects-jobs-other');
    expect(await bad([{ object: { path: '/dir/myfile.exe' } }], NO_PAKET_KEY)).toContain('files[0].object: no paket is configured');
  });
});
