import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { backdate } from './support/expiry';
import { useLocalApi } from './support/use-local-api';
import { SourceServer } from './support/source-server';

const sources = new SourceServer();
const api = useLocalApi(sources);

async function objectExists(key: string): Promise<boolean> {
  const s3 = new S3Client({ forcePathStyle: true });
  try {
    await s3.send(new HeadObjectCommand({ Bucket: process.env.BUCKET_NAME!, Key: key }));
    return true;
  } catch {
    return false;
  } finally {
    s3.destroy();
  }
}

describe('expiry', () => {
  it('hides links at once, deletes the objects when the TTL fires, and keeps the record for history', async () => {
    const url = sources.set('/expiring.txt', { body: Buffer.from('short-lived') });
    const created = await api.request('POST', '/jobs', { body: { urls: [url], expires_in: 300 } });
    const job = await api.waitForJob(created.body.job_id);
    expect(job.status).toBe('completed');
    const link: string = job.download_url;
    expect((await api.download(link)).bytes.length).toBe(job.zip_size);
    const zipKey = `zips/${job.id}/${job.zips[0].id}.zip`;
    expect(await objectExists(zipKey)).toBe(true);

    await backdate(job.id, new Date(Date.now() - 1000));
    const expired = await api.getJob(job.id);
    expect(expired.body).toMatchObject({ status: 'completed', download_url: null });
    expect(expired.body.zips[0].download_url).toBeNull();
    const refused = await fetch(link, { redirect: 'manual' });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('EXPIRED_TOKEN');

    await api.stack.ttl.sweep(Date.now());
    expect(await objectExists(zipKey)).toBe(false);
    expect(await objectExists(`manifests/${job.id}.json`)).toBe(false);
    expect((await api.request('GET', `/jobs/${job.id}`)).status).toBe(200); // history stays

    // Thirty days on, the job record goes too, and its ZIP records with it.
    await api.stack.ttl.sweep(Date.now() + 31 * 86_400_000);
    expect((await api.request('GET', `/jobs/${job.id}`)).status).toBe(404);
  });

  it('leaves a job that has not expired alone', async () => {
    const url = sources.set('/staying.txt', { body: Buffer.from('stays') });
    const created = await api.request('POST', '/jobs', { body: { urls: [url], expires_in: 3600 } });
    const job = await api.waitForJob(created.body.job_id);
    await api.stack.ttl.sweep(Date.now());
    expect(await objectExists(`zips/${job.id}/${job.zips[0].id}.zip`)).toBe(true);
    expect((await api.download(job.download_url)).file.status).toBe(200);
  });
});
