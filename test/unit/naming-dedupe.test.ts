import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EntryNameDeduper, dedupeEntryNames, foldName } from '../../lambdas/core/naming';

describe('dedupeEntryNames', () => {
  it.each<[string[], string[]]>([
    [['a.txt', 'b.txt'], ['a.txt', 'b.txt']],
    [['a.txt', 'a.txt', 'a.txt'], ['a.txt', 'a (1).txt', 'a (2).txt']],
    [['Report.PDF', 'report.pdf', 'REPORT.pdf'], ['Report.PDF', 'report (1).pdf', 'REPORT (2).pdf']],
    [['archive.tar.gz', 'archive.tar.gz'], ['archive.tar.gz', 'archive.tar (1).gz']],
    [['.env', '.env'], ['.env', '.env (1)']],
    [['README', 'readme'], ['README', 'readme (1)']],
    [['a.txt', 'a.txt', 'a (1).txt'], ['a.txt', 'a (1).txt', 'a (1) (1).txt']],
    [['a (1).txt', 'a.txt', 'a.txt'], ['a (1).txt', 'a.txt', 'a (2).txt']],
    [['docs/a.txt', 'DOCS/A.TXT'], ['docs/a.txt', 'DOCS/A (1).TXT']],
    [['Straße.txt', 'STRASSE.txt'], ['Straße.txt', 'STRASSE (1).txt']],
    [['caf\u00e9.txt', 'CAFE\u0301.txt'], ['café.txt', 'CAFE\u0301 (1).txt']],
    // A file and a folder of the same name cannot both exist.
    [['docs', 'docs/a.txt'], ['docs', 'docs (1)/a.txt']],
    [['docs', 'docs/a.txt', 'docs/b.txt'], ['docs', 'docs (1)/a.txt', 'docs (1)/b.txt']],
    [['docs/a.txt', 'docs'], ['docs/a.txt', 'docs (1)']],
    [['a/b/c.txt', 'A/B'], ['a/b/c.txt', 'A/B (1)']],
    [['a/b', 'a/b/c/d.txt'], ['a/b', 'a/b (1)/c/d.txt']],
    [['x', 'x (1)', 'x/y'], ['x', 'x (1)', 'x (2)/y']],
  ])('%j → %j', (input, expected) => {
    expect(dedupeEntryNames(input)).toEqual(expected);
  });

  it('stays fast with many copies of one name', () => {
    const names = Array.from({ length: 20_000 }, () => 'same.txt');
    const started = Date.now();
    const out = dedupeEntryNames(names);
    expect(new Set(out).size).toBe(20_000);
    expect(out[19_999]).toBe('same (19999).txt');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('the class hands out names one at a time', () => {
    const d = new EntryNameDeduper();
    expect([d.claim('x.bin'), d.claim('X.BIN')]).toEqual(['x.bin', 'X (1).BIN']);
  });
});

// Small alphabets make collisions (and suffix-shaped names) frequent.
const segment = fc.oneof(
  fc.constantFrom('a', 'A', 'a.txt', 'A.TXT', 'a (1).txt', 'a (1)', 'b', 'ß', 'SS', 'ss', '.env', 'x.tar.gz', 'docs', 'Docs'),
  fc.string({ unit: fc.constantFrom('a', 'B', '.', ' ', '(', ')', '1'), minLength: 1, maxLength: 5 }).filter((s) => s !== '.' && s !== '..'),
);
const path = fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => s.join('/'));
const names = fc.array(path, { maxLength: 40 });

const folders = (name: string) => {
  const parts = name.split('/');
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
};
const conflicts = (a: string, b: string) => {
  const fa = foldName(a);
  const fb = foldName(b);
  return fa === fb || folders(a).map(foldName).includes(fb) || folders(b).map(foldName).includes(fa);
};
// Removing every " (k)" we might have inserted maps an output back onto its input.
const strip = (s: string) => s.replace(/ \(\d+\)/g, '');

describe('dedupe properties', () => {
  it('outputs never conflict: distinct case-insensitively, and no file is a folder of another', () => {
    fc.assert(
      fc.property(names, (input) => {
        const out = dedupeEntryNames(input);
        for (let i = 0; i < out.length; i++) {
          for (let j = i + 1; j < out.length; j++) expect(conflicts(out[i]!, out[j]!), `${out[i]} vs ${out[j]}`).toBe(false);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('order preserved; a name is changed only if it conflicts with an earlier output; the first never changes', () => {
    fc.assert(
      fc.property(names, (input) => {
        const out = dedupeEntryNames(input);
        expect(out).toHaveLength(input.length);
        if (input.length) expect(out[0]).toBe(input[0]);
        out.forEach((name, i) => {
          expect(strip(name)).toBe(strip(input[i]!));
          expect(name.split('/').length).toBe(input[i]!.split('/').length);
          const earlier = out.slice(0, i);
          if (!earlier.some((e) => conflicts(e, input[i]!))) expect(name).toBe(input[i]);
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('without suffix-shaped or nested names, the first occurrence of every name is unchanged', () => {
    const flat = fc.array(fc.constantFrom('a.txt', 'A.txt', 'b', 'B', 'ß.md', 'SS.md', '.env', 'c.tar.gz'), { maxLength: 30 });
    fc.assert(
      fc.property(flat, (input) => {
        const out = dedupeEntryNames(input);
        const seen = new Set<string>();
        input.forEach((name, i) => {
          if (!seen.has(foldName(name))) expect(out[i]).toBe(name);
          seen.add(foldName(name));
        });
      }),
    );
  });
});
