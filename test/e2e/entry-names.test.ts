import yauzl from 'yauzl';
import { describe, expect, it } from 'vitest';
import { readZipWithYauzl } from '../support/zip-readers';
import { useLocalApi } from './support/use-local-api';
import { SourceServer } from './support/source-server';

const sources = new SourceServer();
const api = useLocalApi(sources);

/** Entry name → compression method (0 store, 8 deflate), from the central directory. */
async function methods(zip: Buffer): Promise<Record<string, number>> {
  const file = await yauzl.fromBufferPromise(zip, { lazyEntries: true });
  const out: Record<string, number> = {};
  await new Promise<void>((resolve, reject) => {
    file.on('entry', (entry: yauzl.Entry) => {
      out[entry.fileName] = entry.compressionMethod;
      file.readEntry();
    });
    file.on('end', resolve);
    file.on('error', reject);
    file.readEntry();
  });
  return out;
}

describe('entry names and compression, as a user sees them', () => {
  it('never lets one entry overwrite another, on any OS, and keeps every name inside the archive', async () => {
    const text = (s: string) => ({ body: Buffer.from(s) });
    const files = [
      { url: sources.set('/a/Report.txt', text('first')) },
      { url: sources.set('/b/report.TXT', text('second, same name but for case')) },
      { url: sources.set('/c/x', text('third')), filename: 'Report.txt' },
      { url: sources.set('/d/docs', text('a file named like a folder')), filename: 'docs' },
      { url: sources.set('/e/readme', text('inside the folder')), filename: 'docs/readme.md' },
      { url: sources.set('/f', { body: Buffer.from('evil'), disposition: 'attachment; filename="../../etc/passwd"' }) },
      { url: sources.set('/g', { body: Buffer.from('device'), disposition: 'attachment; filename="CON.txt"' }) },
      { url: sources.set('/h/caf%C3%A9%3F.txt', text('percent-decoded, with a character Windows forbids')) },
    ];
    const created = await api.request('POST', '/jobs', { body: { files } });
    const job = await api.waitForJob(created.body.job_id);
    expect(job.status).toBe('completed');
    const names = (await readZipWithYauzl((await api.download(job.download_url)).bytes)).map((e) => e.name);
    expect(names).toEqual(['Report.txt', 'report (1).TXT', 'Report (2).txt', 'docs', 'docs (1)/readme.md', '.._.._etc_passwd', '_CON.txt', 'café_.txt']);
  });

  it('stores already-compressed types and deflates the rest with compression "auto"; obeys "store"', async () => {
    const jpeg = sources.set('/photo.jpg', { body: Buffer.alloc(50_000, 1), contentType: 'image/jpeg' });
    const csv = sources.set('/data.csv', { body: Buffer.from('a,b,c\n'.repeat(5000)), contentType: 'text/csv' });
    const auto = await api.waitForJob((await api.request('POST', '/jobs', { body: { urls: [jpeg, csv] } })).body.job_id);
    expect(await methods((await api.download(auto.download_url)).bytes)).toEqual({ 'photo.jpg': 0, 'data.csv': 8 });
    const stored = await api.waitForJob((await api.request('POST', '/jobs', { body: { urls: [jpeg, csv], compression: 'store' } })).body.job_id);
    expect(await methods((await api.download(stored.download_url)).bytes)).toEqual({ 'photo.jpg': 0, 'data.csv': 0 });
  });
});
