import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EntryNameDeduper, checkZipFilename, entryBaseName, parseZipFilename, safeClientPath, validateClientFilename } from '../../lambdas/core/naming';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/**
 * Windows' and macOS's rules for one path segment, written out here
 * independently of the code under test: what Explorer, `unzip` on NTFS and
 * Finder accept without renaming, refusing or silently merging two names.
 */
function segmentProblem(segment: string): string | null {
  if (segment === '') return 'empty';
  if (bytes(segment) > 255) return 'over 255 bytes';
  if (/[\u0000-\u001f\u007f-\u009f]/.test(segment)) return 'control character';
  if (/[<>:"|?*\\]/.test(segment)) return 'character Windows forbids';
  if (/[\u202a-\u202e\u2066-\u2069]/.test(segment)) return 'bidirectional override';
  if (/[. ]$/.test(segment)) return 'trailing dot or space (Windows drops it)';
  const device = segment.split('.')[0]!.replace(/ +$/, '').toUpperCase();
  if (/^(CON|PRN|AUX|NUL|CONIN\$|CONOUT\$|COM[1-9¹²³]|LPT[1-9¹²³])$/.test(device)) return 'reserved device name';
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(segment)) return 'not valid Unicode';
  if (segment.normalize('NFC') !== segment) return 'not NFC (macOS would store another name)';
  return null;
}

const caseless = (name: string) => name.normalize('NFC').toLowerCase();

/** The names BuildZip gives a job's files, in order. */
function entryNames(filenames: readonly string[]): string[] {
  const deduper = new EntryNameDeduper();
  return filenames.map((filename) => deduper.claim(entryBaseName({ filename, url: 'https://example.com/x' })));
}

describe('client filenames are made safe as derived names are', () => {
  it.each([
    ['CON', '_CON'],
    ['nul.txt', '_nul.txt'],
    ['COM1', '_COM1'],
    ['lpt¹.log', '_lpt¹.log'],
    ['docs/AUX/readme.md', 'docs/_AUX/readme.md'],
    ['a<b>:c"d|e?f*.txt', 'a_b__c_d_e_f_.txt'],
    ['report.txt.', 'report.txt'],
    ['notes . ', 'notes'],
    ['folder. /x.txt', 'folder/x.txt'],
    ['.../x.txt', '_/x.txt'],
    ['evil\u202etxt.exe', 'eviltxt.exe'],
    ['cafe\u0301.txt', 'café.txt'],
    ['docs/2026/report.pdf', 'docs/2026/report.pdf'],
  ])('%j → %j', (given, expected) => {
    expect(validateClientFilename(given)).toBeNull();
    expect(safeClientPath(given)).toBe(expected);
  });

  it('caps a segment at 255 UTF-8 bytes, keeping its extension', () => {
    const out = safeClientPath(`dir/${'é'.repeat(200)}.txt`);
    const [dir, name] = out.split('/');
    expect(dir).toBe('dir');
    expect(bytes(name!)).toBeLessThanOrEqual(255);
    expect(name!.endsWith('.txt')).toBe(true);
  });

  it('compares for duplicates after the rules: "report.txt." and "Report.TXT" never overwrite "report.txt"', () => {
    expect(entryNames(['report.txt', 'report.txt.', 'Report.TXT', 'CON', 'con.'])).toEqual([
      'report.txt',
      'report (1).txt',
      'Report (2).TXT',
      '_CON',
      '_con (1)',
    ]);
  });

  it('refuses a name that is not valid Unicode, in filename and in zip_filename', () => {
    expect(validateClientFilename('a\ud800b.txt')).toBe('must be valid Unicode (it contains a lone surrogate)');
    expect(validateClientFilename('\udc00')).toBe('must be valid Unicode (it contains a lone surrogate)');
    expect(validateClientFilename('😀.txt')).toBeNull();
    const zipName = parseZipFilename('backup-\ud83d.zip');
    expect(zipName.ok && checkZipFilename(zipName.value, { maxTotal: 1 })).toBe('must be valid Unicode (it contains a lone surrogate)');
  });

  // Arbitrary Unicode, and the characters the rules are about, densely.
  const hard = fc.constantFrom('.', ' ', '/', ':', '*', '?', '"', '<', '>', '|', 'C', 'O', 'N', 'n', 'u', 'l', '1', '¹', 'e\u0301', 'é', 'É', 'ß', 'SS', '\u202e', '\u2066', 'a', 'A', '😀');
  const name = fc.oneof(
    fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
    fc.string({ unit: hard, minLength: 1, maxLength: 12 }),
    fc.constantFrom('CON', 'con.txt', 'Nul.tar.gz', 'COM¹', 'report.txt', 'report.txt.', 'Report.TXT', 'docs/a', 'docs', 'DOCS/A '),
  );

  it('every entry name is Windows- and macOS-safe, and names are unique case-insensitively (property)', () => {
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 12 }), (given) => {
        // A name that breaks a rule is a 400 naming the field; only the others reach a ZIP.
        const accepted = given.filter((n) => validateClientFilename(n) === null);
        const names = entryNames(accepted);
        for (const entry of names) {
          for (const segment of entry.split('/')) expect(segmentProblem(segment), `${JSON.stringify(entry)}`).toBeNull();
        }
        const keys = names.map(caseless);
        expect(new Set(keys).size).toBe(keys.length);
        // No file is also a folder of another entry.
        for (const key of keys) expect(keys.some((other) => other.startsWith(`${key}/`))).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});
