import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createJobRequestSchema } from '../../lambdas/core/jobs/create-request';
import { parseFileList } from '../../lambdas/core/jobs/file-list';
import { InvalidRequestError } from '../../lambdas/core/errors';
import { parseOrThrow } from '../../lambdas/core/validation';

describe('an uploaded file list (files_from)', () => {
  it('reads a JSON array and NDJSON alike (blank lines and a BOM ignored)', () => {
    const files = [{ url: 'https://example.com/a.pdf' }, { url: 'https://example.com/b', filename: 'docs/b.txt' }];
    const expected = [
      { url: 'https://example.com/a.pdf', filename: null },
      { url: 'https://example.com/b', filename: 'docs/b.txt' },
    ];
    expect(parseFileList(JSON.stringify(files), 10)).toEqual({ ok: true, files: expected });
    expect(parseFileList(`\uFEFF${files.map((f) => JSON.stringify(f)).join('\r\n')}\n\n`, 10)).toEqual({ ok: true, files: expected });
  });

  it('takes null as absent where the job\'s answer shows null (a filename, metadata), as typed clients send it', () => {
    const body = parseOrThrow(createJobRequestSchema, { files: [{ url: 'https://example.com/a.pdf', filename: null }], metadata: null });
    expect(body.files).toEqual([{ url: 'https://example.com/a.pdf', filename: null }]);
    expect(body.metadata).toBeNull();
    expect(parseFileList(JSON.stringify([{ url: 'https://example.com/a.pdf', filename: null }]), 10)).toEqual({ ok: true, files: [{ url: 'https://example.com/a.pdf', filename: null }] });
    // Still one kind of source per file: a null filename is no filename.
    expect(() => parseOrThrow(createJobRequestSchema, { files: [{ object: { path: '/a' }, filename: null }] })).not.toThrow();
  });

  it('names each bad entry as a 400 would name the same entry in files, with files_from in place of files', () => {
    const entry = fc.oneof(
      fc.record({ url: fc.webUrl() }),
      fc.record({ url: fc.string({ maxLength: 30 }) }),
      fc.record({ url: fc.webUrl(), filename: fc.string({ maxLength: 20 }) }),
      fc.record({ url: fc.webUrl(), other: fc.nat() }),
      fc.constant({}),
    );
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 8 }), (files) => {
        const outcome = parseFileList(JSON.stringify(files), 100);
        let inline: string | undefined;
        try {
          const body = parseOrThrow(createJobRequestSchema, { files });
          expect(body.files).toHaveLength(files.length);
        } catch (error) {
          inline = (error as InvalidRequestError).message;
        }
        if (outcome.ok) {
          // The schema agrees; a filename the schema lets through may still be refused by the name rules.
          expect(inline).toBeUndefined();
        } else if (inline !== undefined) {
          // Every problem the request schema reports is reported for the upload too, under files_from.
          for (const message of inline.split('; ')) {
            expect(outcome.errors.map((e) => e.error)).toContain(message.replace(/^files/, 'files_from'));
          }
        }
      }),
    );
  });

  it('refuses a broken array, an empty list and one over the plan, and names lines that are not JSON', () => {
    expect(parseFileList('[{"url": "https://e.com/a"},', 10)).toMatchObject({ ok: false, errors: [{ error: expect.stringMatching(/^files_from: must be a JSON array/) }] });
    expect(parseFileList('  \n', 10)).toEqual({ ok: false, errors: [{ error: 'files_from: must contain at least one file' }] });
    expect(parseFileList('[]', 10)).toEqual({ ok: false, errors: [{ error: 'files_from: must contain at least one file' }] });
    expect(parseFileList(JSON.stringify(Array(11).fill({ url: 'https://e.com/' })), 10)).toMatchObject({ ok: false, errors: [{ error: expect.stringMatching(/^files_from: at most 10 files/) }] });
    expect(parseFileList('{"url": "https://e.com/a"}\nnope\n{"url": 1}', 10)).toEqual({
      ok: false,
      errors: [{ error: 'files_from[1]: is not valid JSON' }, { error: expect.stringMatching(/^files_from\[2\]\.url: /) }],
    });
  });
});
