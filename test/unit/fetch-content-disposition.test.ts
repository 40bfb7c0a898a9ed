import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attachmentDisposition, parseContentDisposition } from '../../lambdas/core/content-disposition';

const CASES: Array<[string | undefined, string | undefined]> = [
  ['attachment; filename="report.pdf"', 'report.pdf'],
  ['attachment; filename=report.pdf', 'report.pdf'],
  ['inline; filename = "a b.txt" ', 'a b.txt'],
  ['attachment; filename="say \\"hi\\".txt"', 'say "hi".txt'],
  ['attachment; filename="semi;colon.txt"; size=3', 'semi;colon.txt'],
  ["attachment; filename*=UTF-8''na%C3%AFve%20file.txt", 'naïve file.txt'],
  ["attachment; filename=\"fallback.txt\"; filename*=UTF-8''%E2%82%AC%20rates.txt", '€ rates.txt'],
  ["attachment; filename*=utf-8'en'%E2%82%AC.txt; filename=\"fallback.txt\"", '€.txt'],
  ["attachment; filename*=iso-8859-1''caf%E9.txt", 'café.txt'],
  ["attachment; FILENAME*=UTF-8''x.bin", 'x.bin'],
  // filename* broken: the plain one is still usable.
  ["attachment; filename*=UTF-8''%ZZ.txt; filename=\"ok.txt\"", 'ok.txt'],
  ["attachment; filename*=UTF-8''%C3%28.txt; filename=ok.txt", 'ok.txt'],
  ["attachment; filename*=UTF-16''abc; filename=ok.txt", 'ok.txt'],
  // A name that really holds U+FFFD is not a decoding failure.
  ["attachment; filename=\"_ x.txt\"; filename*=UTF-8''%EF%BF%BD%20x.txt", '\ufffd x.txt'],
  ["attachment; filename=\"_ x.txt\"; filename*=UTF-8''%FF%20x.txt", '_ x.txt'],
  ["attachment; filename*=UTF-8''%C0%AF; filename=ok.txt", 'ok.txt'], // overlong: not UTF-8
  // Parameters are read as the library reads them: `filename*=` inside a quoted value is text.
  ["attachment; title=\"x; filename*=UTF-8''ok\"; filename*=UTF-8''%FF.txt; filename=good.txt", 'good.txt'],
  ["attachment; filename=\"a; filename*=x\"; filename*=UTF-8''%EF%BF%BD.txt", '\ufffd.txt'],
  ["attachment; filename*=UTF-8''a.txt; filename*=UTF-8''%FF; filename=good.txt", 'a.txt'],
  // Raw UTF-8 bytes arrive as latin1 from Node's parser.
  [`attachment; filename="${Buffer.from('résumé.pdf', 'utf8').toString('latin1')}"`, 'résumé.pdf'],
  ['attachment; filename="../../etc/passwd"', '../../etc/passwd'], // sanitised later, by naming
  [undefined, undefined],
  ['', undefined],
  ['attachment', undefined],
  ['attachment; filename=""', undefined],
  ['attachment; filename="unterminated', undefined],
  ['attachment; filename', undefined],
  ['attachment; filename="a" junk', undefined],
  ["attachment; filename*=UTF-8''", undefined],
  ['attachment; =x', undefined],
];

describe('parseContentDisposition', () => {
  it.each(CASES)('%j → %j', (header, expected) => {
    expect(parseContentDisposition(header)).toBe(expected);
  });
});

describe('attachmentDisposition', () => {
  it('is plain ASCII, with the exact name in filename* when it is not ASCII', () => {
    expect(attachmentDisposition('a.zip')).toBe('attachment; filename="a.zip"');
    expect(attachmentDisposition('café "1".zip')).toBe(`attachment; filename="caf_ \\"1\\".zip"; filename*=UTF-8''caf%C3%A9%20%221%22.zip`);
  });

  it('property: any name a ZIP may have reads back exactly, and the header is ASCII', () => {
    // No control characters, no "/" or "\\" (zip_filename refuses them; the library would keep only the last segment).
    const name = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((s) => !/[\u0000-\u001f\u007f/\\]/.test(s));
    fc.assert(
      fc.property(name, (filename) => {
        const header = attachmentDisposition(filename);
        expect(header).toMatch(/^[\x20-\x7e]+$/);
        expect(parseContentDisposition(header)).toBe(filename);
      }),
      { examples: [['\ufffd '], ['a\ufffd.zip']] },
    );
  });
});
