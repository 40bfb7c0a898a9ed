import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readZipWithYauzl } from '../support/zip-readers';
import { SourceServer } from './support/source-server';
import { SyntheticSources } from './support/synthetic-sources';
import { useLocalApi } from './support/use-local-api';

const MiB = 1024 * 1024;
const sources = new SourceServer();
const synthetic = new SyntheticSources();
const api = useLocalApi([sources, synthetic]);
const work = mkdtempSync(join(tmpdir(), 'zipjobs-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs `npx zipjobs …` (the package's bin) against the local stack. */
function zipjobs(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((ok) => {
    execFile(
      process.execPath,
      [resolve('bin/zipjobs.mjs'), ...args],
      { env: { ...process.env, ZIPJOBS_API_URL: api.url, ZIPJOBS_API_KEY: api.stack.apiKey, ...env }, maxBuffer: 16 * MiB },
      (error, stdout, stderr) => ok({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('the zipjobs CLI', () => {
  it('jobs create --wait --json: a job from a file of URLs, ended, exit 0', async () => {
    const list = join(work, 'urls.txt');
    writeFileSync(list, `# two files\n${sources.set('/a.txt', { body: Buffer.from('a\n') })}\n\n${sources.set('/b.txt', { body: Buffer.from('b\n') })}\n`);
    const run = await zipjobs(['jobs', 'create', '--urls-file', list, '--name', 'cli', '--metadata', 'team=ops', '--wait', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const job = JSON.parse(run.stdout);
    expect(job).toMatchObject({ status: 'completed', zip_filename: 'cli.zip', file_count: 2, metadata: { team: 'ops' }, progress: { files_done: 2, files_total: 2 } });

    const listed = await zipjobs(['jobs', 'list', '--json']);
    expect(JSON.parse(listed.stdout).jobs[0].id).toBe(job.id);
    const got = await zipjobs(['jobs', 'get', job.id]);
    expect(got.stdout).toContain(`${job.id}  completed  cli.zip`);
  });

  it('exit codes: 1 for a failed job, 2 for a bad command line, 3 for a refused request, 4 for an unreachable API', async () => {
    const failed = await zipjobs(['jobs', 'create', `${sources.url}/missing.txt`, '--wait', '--json']);
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({ status: 'failed', errors: [{ url: `${sources.url}/missing.txt`, error: 'HTTP 404' }] });

    expect((await zipjobs(['jobs', 'create', '--no-such-flag'])).code).toBe(2);
    expect((await zipjobs(['jobs', 'create'])).code).toBe(2);
    const unknown = await zipjobs(['jobs', 'get', '00000000-0000-4000-8000-000000000000']);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('NOT_FOUND');
    expect((await zipjobs(['jobs', 'list'], { ZIPJOBS_API_KEY: 'wrong' })).code).toBe(3);
    expect((await zipjobs(['jobs', 'create', 'ftp://example.com/x'])).code).toBe(3);
    expect((await zipjobs(['jobs', 'list', '--api-url', 'http://127.0.0.1:9'])).code).toBe(4);
  }, 180_000); // eight CLI processes, each starting tsx

  it('jobs download: every ZIP of a split job, resuming a partial file', async () => {
    const urls = [synthetic.set('/split/one.bin', { size: 51 * MiB }), synthetic.set('/split/two.bin', { size: 51 * MiB })];
    const created = await zipjobs(['jobs', 'create', ...urls, '--name', 'parts.zip', '--max-zip-size', String(100 * MiB), '--compression', 'store', '--wait', '--json']);
    expect(created.code).toBe(0);
    const job = JSON.parse(created.stdout);
    expect(job.zips.map((z: { filename: string }) => z.filename)).toEqual(['parts_1.zip', 'parts_2.zip']);

    // An interrupted earlier run left the first MiB of the first ZIP.
    const out = join(work, 'out');
    const { bytes: first } = await api.download(job.zips[0].download_url);
    writeFileSync(join(work, 'first.zip'), first);
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'parts_1.zip.part'), first.subarray(0, MiB));

    const run = await zipjobs(['jobs', 'download', job.id, '--out', out, '--json']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.files).toMatchObject([
      { filename: 'parts_1.zip', size: job.zips[0].size, resumed_from: MiB, skipped: false },
      { filename: 'parts_2.zip', size: job.zips[1].size, resumed_from: 0, skipped: false },
    ]);
    expect(readFileSync(join(out, 'parts_1.zip')).equals(first)).toBe(true);
    const names = [
      ...(await readZipWithYauzl(join(out, 'parts_1.zip'))).map((e) => e.name),
      ...(await readZipWithYauzl(join(out, 'parts_2.zip'))).map((e) => e.name),
    ];
    expect(names).toEqual(['one.bin', 'two.bin']);
    expect(statSync(join(out, 'parts_2.zip')).size).toBe(job.zips[1].size);

    // Run again: both are there already.
    const again = JSON.parse((await zipjobs(['jobs', 'download', job.id, '--out', out, '--json'])).stdout);
    expect(again.files.map((f: { skipped: boolean }) => f.skipped)).toEqual([true, true]);
  }, 300_000); // 102 MiB built into two ZIPs and downloaded: the smallest split the API allows
});
