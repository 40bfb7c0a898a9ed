/**
 * `HEAD /download/:token` answers as `GET` would, without a body, so that
 * download managers that ask `HEAD` first learn the size and name.
 */
import { describe, expect, it } from 'vitest';
import { useLocalApi } from './support/use-local-api';
import { SourceServer } from './support/source-server';

const sources = new SourceServer();
const api = useLocalApi(sources);

/** Headers a client reads, minus the per-response ones. */
function stableHeaders(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of res.headers) if (!['date', 'location', 'connection', 'keep-alive'].includes(name)) out[name] = value;
  return out;
}

describe('HEAD /download/:token', () => {
  it('redirects like GET, to a URL whose HEAD gives the length and name of the ZIP', async () => {
    const url = sources.set('/head/data.bin', { body: Buffer.alloc(40_000, 7) });
    const job = await api.waitForJob((await api.request('POST', '/jobs', { body: { files: [{ url }], zip_filename: 'for-managers.zip' } })).body.job_id);
    expect(job.status).toBe('completed');

    const get = await fetch(job.download_url, { redirect: 'manual' });
    const head = await fetch(job.download_url, { method: 'HEAD', redirect: 'manual' });
    expect(head.status).toBe(302);
    expect(get.status).toBe(302);
    expect(stableHeaders(head)).toEqual(stableHeaders(get));
    expect(await head.text()).toBe('');
    // The same object (presigned for HeadObject: test/handlers/download-presign.test.ts checks the signature).
    const [headTarget, getTarget] = [new URL(head.headers.get('location')!), new URL(get.headers.get('location')!)];
    expect(headTarget.pathname).toBe(getTarget.pathname);

    const finalHead = await fetch(headTarget, { method: 'HEAD' });
    expect(finalHead.status).toBe(200);
    expect(Number(finalHead.headers.get('content-length'))).toBe(job.zip_size);
    expect(await finalHead.text()).toBe('');
    const finalGet = await fetch(getTarget);
    expect(Buffer.from(await finalGet.arrayBuffer()).length).toBe(job.zip_size);
    expect(finalGet.headers.get('content-disposition')).toContain('for-managers.zip');
  });

  it('answers a bad token with the same status as GET, without a body', async () => {
    const get = await fetch(`${api.url}/download/not-a-token`, { redirect: 'manual' });
    const head = await fetch(`${api.url}/download/not-a-token`, { method: 'HEAD', redirect: 'manual' });
    expect(get.status).toBe(403);
    expect(head.status).toBe(403);
    expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'));
    expect(await head.text()).toBe('');
  });
});
