/**
 * The rules that keep answers bounded: long lists stored in chunks under a
 * byte bound and read back in windows that page through every entry exactly
 * once; GET /jobs/:id's truncation of errors and files; cursors per listing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../lambdas/core/errors';
import { ANSWER_LIMITS } from '../../lambdas/core/jobs/answer-limits';
import { chunkByBytes, jsonBytes, takeWithinBytes, WindowCollector, type ListPosition } from '../../lambdas/core/jobs/long-lists';
import type { Job, JobError, ZipRecord } from '../../lambdas/core/jobs/model';
import { jobDetail } from '../../lambdas/core/jobs/view';
import { createCursor, verifyCursor } from '../../lambdas/core/list-cursor';
import type { SigningKeys } from '../../lambdas/core/tokens';
import { exampleJob } from '../support/job-fixture';
import { memoryJobLists } from '../support/memory-lists';

const entry = fc.record({ url: fc.string({ maxLength: 300 }), error: fc.string({ maxLength: 40 }) });

/** Every window from the start to the end, as the paged routes read them. */
function pageThrough<T>(scopes: readonly (readonly T[][])[], limits: { items: number; bytes: number }) {
  const pages: T[][] = [];
  let from: ListPosition | null = null;
  for (let guard = 0; guard < 100_000; guard++) {
    const window: WindowCollector<T> = new WindowCollector<T>(from, limits);
    outer: for (let scope = 0; scope < scopes.length; scope++) {
      for (let chunk = 0; chunk < scopes[scope]!.length; chunk++) if (!window.add(scope, chunk, scopes[scope]![chunk]!)) break outer;
    }
    pages.push(window.items.map((i): T => i.item));
    if (window.next === null) return pages;
    from = window.next;
  }
  throw new Error('paging did not end');
}

describe('chunked lists', () => {
  it('chunks keep every entry in order, each chunk within the byte bound unless it is one entry', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 200 }), fc.integer({ min: 50, max: 5000 }), (items, maxBytes) => {
        const chunks = chunkByBytes(items, maxBytes);
        expect(chunks.flat()).toEqual(items);
        for (const c of chunks) {
          expect(c.length).toBeGreaterThan(0);
          if (c.length > 1) expect(jsonBytes(c)).toBeLessThanOrEqual(maxBytes);
        }
      }),
    );
  });

  it('windows page through every entry of every scope exactly once, in order, each within its limits', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(entry, { maxLength: 60 }), { maxLength: 5 }),
        fc.integer({ min: 100, max: 3000 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 4000 }),
        (lists, chunkBytes, items, bytes) => {
          const scopes = lists.map((l) => chunkByBytes(l, chunkBytes));
          const pages = pageThrough(scopes, { items, bytes });
          expect(pages.flat()).toEqual(lists.flat());
          for (const page of pages.slice(0, -1)) expect(page.length).toBeGreaterThan(0);
          for (const page of pages) {
            expect(page.length).toBeLessThanOrEqual(items);
            if (page.length > 1) expect(page.reduce((n, e) => n + jsonBytes(e) + 1, 0)).toBeLessThanOrEqual(bytes);
          }
        },
      ),
    );
  });

  it('a replaced scope reads back as the new list only, and an empty one is gone', async () => {
    const lists = memoryJobLists();
    const long = Array.from({ length: 3000 }, (_, i) => ({ url: `https://example.com/${'x'.repeat(900)}/${i}`, error: 'HTTP 404' }));
    await lists.errors.replace('j', 2, long);
    await lists.errors.replace('j', 1, [{ error: 'first' }]);
    const all = await lists.errors.read('j', null, { items: Infinity, bytes: Infinity });
    expect(all.items.map((i) => i.item)).toEqual([{ error: 'first' }, ...long]);
    expect(lists.errors.chunks.get('j')!.get(2)!.length).toBeGreaterThan(10);
    await lists.errors.replace('j', 2, long.slice(0, 5));
    await lists.errors.replace('j', 1, []);
    expect((await lists.errors.read('j', null, { items: Infinity, bytes: Infinity })).items.map((i) => i.item)).toEqual(long.slice(0, 5));
  });

  it('takes the longest prefix within a byte budget', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 50 }), fc.nat({ max: 5000 }), (items, budget) => {
        const taken = takeWithinBytes(items, budget);
        expect(taken).toEqual(items.slice(0, taken.length));
        expect(taken.reduce((n, e) => n + jsonBytes(e) + 1, 0)).toBeLessThanOrEqual(budget);
        if (taken.length < items.length) expect(taken.reduce((n, e) => n + jsonBytes(e) + 1, 0) + jsonBytes(items[taken.length]) + 1).toBeGreaterThan(budget);
      }),
    );
  });
});

const job = (overrides: Partial<Job> = {}): Job =>
  exampleJob({
    status: 'failed',
    options: { zip_filename: null, max_zip_size_bytes: null, fail_on_url_error: false } as Job['options'],
    url_count: 0,
    file_count: 0,
    total_size: 0,
    ...overrides,
  });

const zip = (overrides: Partial<ZipRecord> = {}): ZipRecord => ({
  job_id: 'j',
  id: 'zip_1',
  sequence: 1,
  status: 'failed',
  filename: 'a.zip',
  file_count: 0,
  size: null,
  key: '',
  bin_key: '',
  errors: [],
  files_done: 0,
  bytes_done: 0,
  updated_at: '2026-04-23T10:00:00.000Z',
  ...overrides,
});

describe('GET /jobs/:id stays bounded', () => {
  const noLink = () => null;

  it('shows every file while the answer fits, else the first ones with files_truncated, and never more than the byte bound', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12_000 }), fc.integer({ min: 20, max: 2000 }), (count, urlLength) => {
        const files = Array.from({ length: count }, (_, i) => ({ url: `https://e.com/${String(i).padStart(urlLength, '0')}`, filename: null }));
        const entryNames = new Map(files.map((_, i) => [i, `f${i}`]));
        const answer = jobDetail(job({ url_count: count }), [zip()], { files, entryNames, fileErrors: [] }, 'a.zip', noLink);
        const bytes = jsonBytes(answer);
        expect(bytes).toBeLessThanOrEqual(ANSWER_LIMITS.bytes);
        expect(answer.files_truncated).toBe(answer.files.length < count);
        expect(answer.files).toEqual(files.slice(0, answer.files.length).map((f, i) => ({ ...f, entry_name: `f${i}` })));
        // Truncated only when the next file would not have fitted.
        if (answer.files_truncated) expect(bytes + jsonBytes({ ...files[answer.files.length], entry_name: `f${answer.files.length}` }) + 1).toBeGreaterThan(ANSWER_LIMITS.bytes);
      }),
      { numRuns: 20 },
    );
  });

  it('shows faults once and then the first file errors, at most ANSWER_LIMITS.errors, and counts them all', () => {
    const fileErrors = Array.from({ length: 999 }, (_, i) => ({ scope: 1, item: { url: `https://e.com/${i}`, error: 'HTTP 404' } }));
    const fault: JobError = { error: 'the job was stopped' };
    const answer = jobDetail(
      job({ errors: [fault] }),
      [zip({ errors: [fault], file_error_count: 25_000 })],
      { files: [], entryNames: new Map(), fileErrors },
      'a.zip',
      noLink,
    );
    expect(answer.errors).toHaveLength(ANSWER_LIMITS.errors);
    expect(answer.errors[0]).toEqual(fault);
    expect(answer.errors[1]).toEqual(fileErrors[0]!.item);
    expect(answer.errors_count).toBe(25_001);
    expect(answer.zips[0]).toMatchObject({ errors_count: 25_001 });
    expect(answer.zips[0]!.errors).toHaveLength(1000);
  });
});

describe('cursors of a job listing', () => {
  const keys: SigningKeys = { active: 'k1', keys: new Map([['k1', Buffer.from('first-secret-0123456789abcdef')]]) };
  const errorsOfA = { tenantId: 'acme', status: null, listing: 'errors/a' };

  it('verify only for the listing, job and tenant they were issued for', () => {
    const cursor = createCursor('0.3.17', errorsOfA, keys);
    expect(verifyCursor(cursor, errorsOfA, keys)).toBe('0.3.17');
    for (const other of [
      { ...errorsOfA, listing: 'files/a' },
      { ...errorsOfA, listing: 'errors/b' },
      { ...errorsOfA, tenantId: 'other' },
      { tenantId: 'acme', status: null },
    ]) {
      expect(() => verifyCursor(cursor, other, keys)).toThrow(InvalidRequestError);
    }
    // A GET /jobs cursor does not pass as a job listing's.
    expect(() => verifyCursor(createCursor('0.3.17', { tenantId: 'acme', status: null }, keys), errorsOfA, keys)).toThrow(InvalidRequestError);
  });
});
