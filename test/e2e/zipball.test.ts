/**
 * ZipBalls over HTTP, as BitPaket's clients use them: the seed's requests
 * sent as written to `POST /v2/zipball`, the answer's shape, and the link
 * downloaded without a key (whole, by a range, HEAD); an object deleted
 * after the ball was made answers 502 before any byte; bad references and
 * another tenant's ids are refused.
 */
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seedApiKey } from '../../lib/local/seed';
import { checkWithPython, checkWithUnzip, readZipWithYauzl } from '../support/zip-readers';
import { ForeignS3 } from './support/foreign-s3';
import { useLocalApi } from './support/use-local-api';

const storage = new ForeignS3(['balls'], 'zipball');
const api = useLocalApi(storage);
const dir = mkdtempSync(join(tmpdir(), 'zipjobs-zipball-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const UUID_V4 = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';
const OTHER_KEY = 'zipball-other-tenant';

const objects: Record<string, string> = {
  'dir/myfile.exe': 'MZ myfile',
  'dir/myfile2.exe': 'MZ myfile2 '.repeat(5000),
  'anotherDir/readme.md': '# another dir',
  'anotherDir/x/y.txt': 'y',
  'elsewhere/myfile.zip': 'PK not really',
};

const s3 = (command: PutObjectCommand | DeleteObjectCommand) => storage.send(command);

async function createBall(body: unknown, key?: string) {
  const res = await api.request('POST', '/v2/zipball', { body, key });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { success: true; data: { ball_id: string; urls: { url: string; domains: unknown[] } } };
}

const get = async (url: string, init: RequestInit = {}) => {
  const res = await fetch(url, init);
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
};

describe('ZipBalls', () => {
  it("makes the seed's path and folder ZipBall and downloads it without a key, whole, by a range and with HEAD", async () => {
    for (const [key, body] of Object.entries(objects)) await s3(new PutObjectCommand({ Bucket: 'balls', Key: key, Body: body }));
    const bucket = { service: 'r2', bucket: 'balls', endpoint: storage.endpoint, access_key_id: storage.accessKeyId, secret_access_key: storage.secretAccessKey };
    expect((await api.request('PUT', '/settings/buckets/media', { body: bucket })).status).toBe(200);
    expect((await api.request('PUT', '/settings/paket', { body: { bucket_name: 'media' } })).status).toBe(200);

    const ball = await createBall({ objects: [{ path: '/dir/myfile.exe' }, { path: '/dir/myfile2.exe' }, { folder: '/anotherDir' }] });
    expect(ball).toEqual({ success: true, data: { ball_id: expect.stringMatching(new RegExp(`^${UUID_V4}$`)), urls: { url: `${api.url}/${ball.data.ball_id}.zip?zipball`, domains: [] } } });

    // Asked for at once: the download waits until the ball is prepared.
    const whole = await get(ball.data.urls.url);
    expect(whole.res.status).toBe(200);
    expect(whole.res.headers.get('content-disposition')).toContain(`${ball.data.ball_id}.zip`);
    expect(whole.res.headers.get('content-length')).toBe(String(whole.bytes.length));
    const entries = await readZipWithYauzl(whole.bytes);
    expect(entries.map((e) => [e.name, e.data.toString()])).toEqual([
      ['myfile.exe', objects['dir/myfile.exe']],
      ['myfile2.exe', objects['dir/myfile2.exe']],
      ['anotherDir/readme.md', objects['anotherDir/readme.md']],
      ['anotherDir/x/y.txt', objects['anotherDir/x/y.txt']],
    ]);
    const path = join(dir, 'ball.zip');
    writeFileSync(path, whole.bytes);
    expect(await checkWithPython(path)).toHaveLength(4);
    await checkWithUnzip(path);

    const part = await get(`${api.url}/${ball.data.ball_id}.zip`, { headers: { Range: 'bytes=50-30049' } });
    expect(part.res.status).toBe(206);
    expect(part.res.headers.get('content-range')).toBe(`bytes 50-30049/${whole.bytes.length}`);
    expect(part.bytes.equals(whole.bytes.subarray(50, 30_050))).toBe(true);
    const head = await fetch(ball.data.urls.url, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-length')]).toEqual([200, String(whole.bytes.length)]);
  });

  it("makes the seed's override ZipBall from an object's id", async () => {
    const listing = await api.request('GET', '/objects?prefix=/elsewhere');
    const id = listing.body.objects[0].id as string;
    const ball = await createBall({ objects: [{ id, override: '/my/custom/path/myfile.zip' }] });
    const entries = await readZipWithYauzl((await get(ball.data.urls.url)).bytes);
    expect(entries.map((e) => [e.name, e.data.toString()])).toEqual([['my/custom/path/myfile.zip', objects['elsewhere/myfile.zip']]]);
    // Another tenant (with a paket of its own) cannot name it.
    await seedApiKey(process.env.TABLE_NAME!, OTHER_KEY, 'zipball-other');
    const bucket = { service: 'r2', bucket: 'balls', endpoint: storage.endpoint, access_key_id: storage.accessKeyId, secret_access_key: storage.secretAccessKey };
    expect((await api.request('PUT', '/settings/buckets/media', { body: bucket, key: OTHER_KEY })).status).toBe(200);
    expect((await api.request('PUT', '/settings/paket', { body: { bucket_name: 'media' }, key: OTHER_KEY })).status).toBe(200);
    const foreign = await api.request('POST', '/v2/zipball', { body: { objects: [{ id }] }, key: OTHER_KEY });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.message).toBe('objects[0].id: no object of the paket has this id');
  });

  it('answers 502 before any byte when an object was deleted after the ball was made', async () => {
    await s3(new PutObjectCommand({ Bucket: 'balls', Key: 'tmp/gone.txt', Body: 'soon gone' }));
    const ball = await createBall({ objects: [{ path: '/dir/myfile.exe' }, { path: '/tmp/gone.txt' }] });
    // HEAD waits for the ball and reads no object.
    expect((await fetch(ball.data.urls.url, { method: 'HEAD' })).status).toBe(200);
    await s3(new DeleteObjectCommand({ Bucket: 'balls', Key: 'tmp/gone.txt' }));
    const res = await get(ball.data.urls.url);
    expect(res.res.status).toBe(502);
    expect(JSON.parse(res.bytes.toString()).error).toMatchObject({ code: 'SOURCE_FAILED', message: expect.stringContaining('s3://media/tmp/gone.txt: object not found') });
    // A ball of an object missing from the start fails as a whole, also with 502.
    const missing = await createBall({ objects: [{ path: '/dir/never.exe' }] });
    const refused = await get(missing.data.urls.url);
    expect(refused.res.status).toBe(502);
    expect(JSON.parse(refused.bytes.toString()).error).toEqual({ code: 'SOURCE_FAILED', message: 'the ZipBall could not be made: s3://media/dir/never.exe: object not found' });
  });

  it('refuses bad references by field, and answers 404 for what is not a ZipBall', async () => {
    const bad = async (body: unknown) => {
      const res = await api.request('POST', '/v2/zipball', { body });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      return res.body.error.message as string;
    };
    expect(await bad({ objects: [{ path: '/a', folder: '/b' }] })).toContain('objects[0]: exactly one of path, id or folder is allowed (got path and folder)');
    expect(await bad({ objects: [{}] })).toContain('objects[0]: exactly one of path, id or folder is required');
    expect(await bad({ objects: [{ folder: '/' }] })).toContain('objects[0].folder: the root folder "/" is not allowed');
    expect(await bad({ objects: [{ path: '/a', override: '/b' }] })).toContain('objects[0].override: is only allowed with id');
    expect((await get(`${api.url}/00000000-0000-4000-8000-000000000000.zip`)).res.status).toBe(404);
    const job = await api.request('POST', '/jobs', { body: { files: [{ object: { path: '/dir/myfile.exe' } }], mode: 'stream' } });
    await api.waitForJob(job.body.job_id);
    // A stream job is no ZipBall: its id opens nothing without a token.
    expect((await get(`${api.url}/${job.body.job_id}.zip`)).res.status).toBe(404);
    expect((await api.request('POST', '/v2/zipball', { body: { objects: [{ path: '/a' }] }, key: 'no-such-key' })).status).toBe(401);
  });
});
