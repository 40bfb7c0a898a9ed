import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entryBaseName, sanitizeEntryName, validateClientFilename } from '../../lambdas/core/naming';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

describe('entryBaseName', () => {
  it.each([
    [{ filename: 'docs/Report.pdf', contentDispositionName: 'x.pdf', url: 'https://h/y.pdf' }, 'docs/Report.pdf'],
    [{ contentDispositionName: 'from-header.pdf', url: 'https://h/y.pdf' }, 'from-header.pdf'],
    [{ url: 'https://h/a/b/na%C3%AFve%20file.txt?dl=1#x' }, 'naïve file.txt'],
    [{ url: 'https://h/a/b/' }, 'b'],
    [{ url: 'https://h/' }, 'file'],
    [{ url: 'https://h' }, 'file'],
    [{ url: 'not a url' }, 'file'],
    [{ url: 'https://h/a%2Fb%5Cc.txt' }, 'a_b_c.txt'],
    [{ url: 'https://h/%E0%A4%A.txt' }, '\ufffd%A.txt'],
    [{ url: 'https://h/x/%2e%2e' }, 'file'],
    [{ url: 's3://bucket/some/key.csv' }, 'key.csv'],
    [{ contentDispositionName: '../../etc/passwd', url: 'https://h/y' }, '.._.._etc_passwd'],
    [{ contentDispositionName: '...', url: 'https://h/fallback.bin' }, 'fallback.bin'],
    [{ filename: 'cafe\u0301.txt', url: 'https://h/' }, 'café.txt'],
  ])('%j → %j', (sources, expected) => {
    expect(entryBaseName(sources)).toBe(expected);
  });
});

describe('sanitizeEntryName', () => {
  it.each([
    ['report.pdf', 'report.pdf'],
    ['a/b\\c.txt', 'a_b_c.txt'],
    ['tab\there\u0000\u001f\u007f\u0085.txt', 'tabhere.txt'],
    ['what?<is>:this|"*".txt', 'what__is__this____.txt'],
    ['trailing. . .', 'trailing'],
    ['CON', '_CON'],
    ['con.txt', '_con.txt'],
    ['Lpt9.tar.gz', '_Lpt9.tar.gz'],
    ['COM¹.log', '_COM¹.log'],
    ['nul .txt', '_nul .txt'],
    ['CONSOLE.txt', 'CONSOLE.txt'],
    ['COM0', 'COM0'],
    ['evil\u202etxt.exe', 'eviltxt.exe'],
    ['', 'file'],
    ['...', 'file'],
    ['\u0000', 'file'],
    ['.env', '.env'],
    ['cafe\u0301', 'café'],
    ['\ud800x', '\ufffdx'],
  ])('%j → %j', (input, expected) => {
    expect(sanitizeEntryName(input)).toBe(expected);
  });

  it('caps at 255 UTF-8 bytes and keeps the extension', () => {
    const long = `${'é'.repeat(300)}.pdf`;
    const out = sanitizeEntryName(long);
    expect(bytes(out)).toBeLessThanOrEqual(255);
    expect(out.endsWith('.pdf')).toBe(true);
    expect(out.startsWith('éé')).toBe(true);
  });

  it('never splits an emoji or a combining sequence when cutting', () => {
    const out = sanitizeEntryName(`${'👩‍👩‍👧'.repeat(40)}.txt`);
    expect(bytes(out)).toBeLessThanOrEqual(255);
    expect(out.replace(/\.txt$/, '').replaceAll('👩‍👩‍👧', '')).toBe('');
  });

  it('an absurd extension is not kept at the cost of the name', () => {
    const out = sanitizeEntryName(`name.${'x'.repeat(400)}`);
    expect(out.startsWith('name.')).toBe(true);
    expect(bytes(out)).toBe(255);
  });

  const anyName = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 80 }),
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.string({ unit: fc.constantFrom('a', '.', ' ', '/', '\\', ':', '*', '\u0000', '\u0301', 'é', '👍', 'C', 'O', 'N'), maxLength: 300 }),
    fc.constantFrom('CON', 'aux.txt', 'LPT1 . txt', 'com9.', '. .', '..', '.'),
  );

  it('output is always safe, bounded, non-empty and idempotent', () => {
    fc.assert(
      fc.property(anyName, (input) => {
        const out = sanitizeEntryName(input);
        expect(out.length).toBeGreaterThan(0);
        expect(bytes(out)).toBeLessThanOrEqual(255);
        expect(out).not.toMatch(/[\u0000-\u001f\u007f-\u009f/\\<>:"|?*]/);
        expect(out).not.toMatch(/[. ]$/);
        expect(out).not.toMatch(/^(con|prn|aux|nul|com[1-9¹²³]|lpt[1-9¹²³]) *(\.|$)/i);
        expect(out.normalize('NFC')).toBe(out);
        expect(sanitizeEntryName(out)).toBe(out);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('validateClientFilename', () => {
  it.each([
    ['report.pdf', null],
    ['docs/2026/report.pdf', null],
    ['.env', null],
    ['a..b.txt', null],
    ['x'.repeat(255), null],
    ['', 'must be 1-255 characters'],
    ['x'.repeat(256), 'must be 1-255 characters'],
    ['/etc/passwd', 'must not be an absolute path'],
    ['C:/Windows/x', 'must not be an absolute path'],
    ['c:x', 'must not be an absolute path'],
    ['a/../b', 'must not contain ".." segments'],
    ['..', 'must not contain ".." segments'],
    ['../x', 'must not contain ".." segments'],
    ['a\\b', 'must not contain "\\"'],
    ['a\u0000b', 'must not contain control characters'],
    ['a\nb', 'must not contain control characters'],
    ['a\u0085b', 'must not contain control characters'],
    ['a//b', 'must not contain empty segments'],
    ['a/', 'must not contain empty segments'],
    ['a/./b', 'must not contain "." segments'],
  ])('%j → %j', (name, expected) => {
    expect(validateClientFilename(name)).toBe(expected);
  });

  it('counts characters after NFC, not UTF-16 units of the input', () => {
    expect(validateClientFilename('e\u0301'.repeat(255))).toBeNull(); // 510 units, 255 characters
    expect(validateClientFilename('😀'.repeat(255))).toBeNull();
  });
});
