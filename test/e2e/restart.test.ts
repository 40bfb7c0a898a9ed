/**
 * The local stack stopped (Ctrl-C: `close()`) while a job builds: its
 * execution is kept as running, and the job completes after the next start
 * on the same data folder, as `npm start` promises.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readZipWithYauzl } from '../support/zip-readers';
import { LocalApi } from './support/local-api';
import { FaultServer } from './support/fault-server';

/** ~3 s of body: the build is still reading it when the stack stops. */
const body = Buffer.alloc(600_000, 'r');
const sources = new FaultServer();
beforeAll(() => sources.start());
afterAll(() => sources.stop());

describe('the local stack stopped mid-build', () => {
  it('keeps the execution running in its journal, and completes the job after the next start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'zipjobs-restart-'));
    try {
      const first = await LocalApi.start({ dataDir });
      const created = await first.request('POST', '/jobs', { body: { files: [{ url: sources.set('/slow.txt', { body, chunkSize: 20_000, delayMs: 100 }) }], zip_filename: 'restart' } });
      expect(created.status).toBe(201);
      const jobId = created.body.job_id as string;
      await first.waitForJob(jobId, ['processing']);
      // BuildZip is reading the source now.
      await new Promise((ok) => setTimeout(ok, 500));
      await first.stack.close();
      const journal = JSON.parse(readFileSync(join(dataDir, 'executions.json'), 'utf8')) as { status: string }[];
      expect(journal.map((e) => e.status)).toEqual(['RUNNING']);

      const second = await LocalApi.start({ dataDir });
      try {
        const job = await second.waitForJob(jobId, ['completed', 'failed'], 60_000);
        expect(job.status).toBe('completed');
        const { bytes } = await second.download(job.zips[0].download_url);
        const entries = await readZipWithYauzl(bytes);
        expect(entries.map((e) => e.name)).toEqual(['slow.txt']);
        expect(entries[0]!.data.equals(body)).toBe(true);
      } finally {
        await second.stack.stepFunctions.idle();
        await second.stack.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
