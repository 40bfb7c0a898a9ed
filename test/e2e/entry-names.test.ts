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

  it('makes client filenames safe as derived ones, then de-duplicates: "report.txt." and "Report.TXT" keep their own entries', async () => {
    const given = ['report.txt', 'report.txt.', 'Report.TXT', 'NUL.txt', 'a<b>|c?.txt', 'docs/COM1/x.txt', 'evil\u202etxt.exe'];
    const files = given.map((filename, i) => ({ url: sources.set(`/safe/${i}`, { body: Buffer.from(`file ${i}`) }), filename }));
    const job = await api.waitForJob((await api.request('POST', '/jobs', { body: { files } })).body.job_id);
    expect(job.status).toBe('completed');
    expect(job.files.map((f: { filename: string }) => f.filename)).toEqual(given); // as the client gave them
    const entries = await readZipWithYauzl((await api.download(job.download_url)).bytes);
    expect(entries.map((e) => [e.name, e.data.toString()])).toEqual([
      ['report.txt', 'file 0'],
      ['report (1).txt', 'file 1'],
      ['Report (2).TXT', 'file 2'],
      ['_NUL.txt', 'file 3'],
      ['a_b__c_.txt', 'file 4'],
      ['docs/_COM1/x.txt', 'file 5'],
      ['eviltxt.exe', 'file 6'],
    ]);
  });

  it('answers 400 naming the field for a name that is not valid Unicode (a lone surrogate)', async () => {
    const url = sources.set('/safe/u', { body: Buffer.from('u') });
    // JSON can carry a lone surrogate only as an escape; the body is sent exactly as written.
    const bodies: [string, string][] = [
      [`{"files": [{"url": "${url}", "filename": "bad\\ud800.txt"}]}`, 'files[0].filename'],
      [`{"urls": [{"url": "${url}", "filename": "ok.txt"}, {"url": "${url}", "filename": "\\udc00"}]}`, 'urls[1].filename'],
      [`{"urls": ["${url}"], "zip_filename": "backup-\\ud83d.zip"}`, 'zip_filename'],
    ];
    for (const [rawBody, field] of bodies) {
      const res = await api.request('POST', '/jobs', { rawBody, headers: { 'Content-Type': 'application/json' } });
      expect(res.status, rawBody).toBe(400);
      expect(res.body.error.code).toBe('INVALID_REQUEST');
      expect(res.body.error.message).toBe(`${field}: must be valid Unicode (it contains a lone surrogate)`);
    }
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
