/**
 * Benchmark 8: big jobs through the local stack, at the sizes a client
 * reaches (test/e2e/bounded-answers.test.ts checks the same rules with few
 * files). For each job: the time from POST /jobs to its end, and the size
 * of its GET /jobs/{id} answer; the paged listings are read through and
 * counted.
 *   - `failing`: N files whose URLs all answer 404 (`fail_on_url_error: false`);
 *   - `inline`: the most 1,000-character URLs a 6 MB body holds (5,500);
 *   - `upload`: N files of 1,000-character URLs through POST /uploads (NDJSON).
 *
 *   npx tsx bench/bounded.ts [files]      (default 20000)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack } from '../lib/local/local-stack';
import { BulkSource } from '../test/e2e/support/bulk-source';
import { log, report } from './lib/child';

export interface BoundedCase {
  files: number;
  requestBytes: number;
  status: string;
  seconds: number;
  getBytes: number;
  filesShown: number;
  errorsShown: number;
  errorsCount: number;
  /** Pages (of 1,000) the listing took, and whether it gave every entry once, in order. */
  pages: number;
  pagedExactlyOnce: boolean;
}

export type BoundedResult = Record<'failing' | 'inline' | 'upload', BoundedCase>;

const files = Number(process.argv[2] ?? 20_000);
const INLINE_FILES = 5500;

report(async (): Promise<BoundedResult> => {
  process.env.ZIPJOBS_QUIET = 'true';
  const source = await new BulkSource().start();
  const dataDir = mkdtempSync(join(tmpdir(), 'zipjobs-bench-bounded-'));
  const stack = await startLocalStack({ port: 0, apiKey: 'bench-key', dataDir, allowPrivateAddresses: true });
  const headers = { 'X-API-Key': stack.apiKey, 'Content-Type': 'application/json' };
  const call = async (method: string, path: string, body?: string) => {
    const res = await fetch(`${stack.url}${path}`, { method, headers, body });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return { text, body: JSON.parse(text) as Record<string, any> };
  };

  /** Every entry of a listing, page by page. */
  const pageAll = async (path: string, field: 'errors' | 'files') => {
    const items: any[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const { body }: { body: Record<string, any> } = await call('GET', cursor ? `${path}?cursor=${encodeURIComponent(cursor)}` : path);
      items.push(...body[field]);
      cursor = body.meta.next_cursor;
      pages++;
    } while (cursor);
    return { items, pages };
  };

  /** Creates the job, waits for its end (polling the cheap listing), GETs it once and pages `field` through. */
  const run = async (body: string, expected: readonly string[], field: 'errors' | 'files'): Promise<BoundedCase> => {
    const start = performance.now();
    const { body: created } = await call('POST', '/jobs', body);
    for (;;) {
      const { body: listed } = await call('GET', '/jobs?limit=5');
      const status = listed.jobs.find((j: { id: string }) => j.id === created.job_id)?.status;
      if (status === 'completed' || status === 'failed') break;
      if (performance.now() - start > 1_800_000) throw new Error(`job ${created.job_id} still ${status} after 30 min`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const seconds = (performance.now() - start) / 1000;
    const { text, body: got } = await call('GET', `/jobs/${created.job_id}`);
    const job = got.job;
    const paged = await pageAll(`/jobs/${job.id}/${field}`, field);
    const result: BoundedCase = {
      files: expected.length,
      requestBytes: Buffer.byteLength(body),
      status: job.status,
      seconds,
      getBytes: Buffer.byteLength(text),
      filesShown: job.files.length,
      errorsShown: job.errors.length,
      errorsCount: job.errors_count,
      pages: paged.pages,
      pagedExactlyOnce: paged.items.length === expected.length && paged.items.every((item, i) => item.url === expected[i]),
    };
    log(JSON.stringify(result));
    return result;
  };

  try {
    const failingUrls = Array.from({ length: files }, (_, i) => `${source.url}/missing/f${i}.txt`);
    const failing = await run(JSON.stringify({ urls: failingUrls, fail_on_url_error: false }), failingUrls, 'errors');

    const inlineUrls = Array.from({ length: INLINE_FILES }, (_, i) => source.okUrl(`i${i}.txt`, 1000));
    const inline = await run(JSON.stringify({ files: inlineUrls.map((url) => ({ url })) }), inlineUrls, 'files');

    const uploadUrls = Array.from({ length: files }, (_, i) => source.okUrl(`u${i}.txt`, 1000));
    const { body: upload } = await call('POST', '/uploads');
    const ndjson = uploadUrls.map((url) => JSON.stringify({ url })).join('\n');
    const put = await fetch(upload.url, { method: 'PUT', body: ndjson });
    if (put.status !== 200) throw new Error(`upload PUT: ${put.status}`);
    const uploaded = await run(JSON.stringify({ files_from: upload.upload_id }), uploadUrls, 'files');
    return { failing, inline, upload: { ...uploaded, requestBytes: Buffer.byteLength(ndjson) } };
  } finally {
    await stack.stepFunctions.idle();
    await stack.close();
    await source.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
