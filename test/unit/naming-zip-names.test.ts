import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkZipFilename,
  parseZipFilename,
  renderZipNames,
  type CompiledZipName,
} from '../../lambdas/core/naming/zip-names';

const JOB = '3f2b8c1e-7d4a-4e0b-9a51-0c6d2e8f1a77';
const CREATED = new Date('2026-04-23T22:30:00.000Z');

function compile(value: string | undefined): CompiledZipName {
  const parsed = parseZipFilename(value);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}
const names = (value: string | undefined, total: number) => renderZipNames(compile(value), { jobId: JOB, createdAt: CREATED, total });

describe('renderZipNames: the examples of docs/API.md "ZIP names and templates"', () => {
  it.each<[string | undefined, number, string[]]>([
    ['abc.zip', 1, ['abc.zip']],
    ['my-archive', 1, ['my-archive.zip']],
    [undefined, 1, [`archive-${JOB}.zip`]],
    [undefined, 2, [`archive-${JOB}_1.zip`, `archive-${JOB}_2.zip`]],
    ['abc', 3, ['abc_1.zip', 'abc_2.zip', 'abc_3.zip']],
    ['photos.tar.gz', 2, ['photos.tar_1.gz', 'photos.tar_2.gz']],
    ['photos-{n}-of-{total}.zip', 3, ['photos-1-of-3.zip', 'photos-2-of-3.zip', 'photos-3-of-3.zip']],
    ['{date}-backup-{n2}.zip', 2, ['2026-04-23-backup-01.zip', '2026-04-23-backup-02.zip']],
    ['export.{n3}.zip', 2, ['export.001.zip', 'export.002.zip']],
    ['{{literal}}.zip', 1, ['{literal}.zip']],
    ['{{literal}}-{n}.zip', 2, ['{literal}-1.zip', '{literal}-2.zip']],
    // Index-less templates behave like the plain name they render to.
    ['{{literal}}.zip', 2, ['{literal}_1.zip', '{literal}_2.zip']],
    ['{date}-backup', 1, ['2026-04-23-backup.zip']],
    ['{date}-backup', 2, ['2026-04-23-backup_1.zip', '2026-04-23-backup_2.zip']],
    ['set-of-{total}.zip', 2, ['set-of-2_1.zip', 'set-of-2_2.zip']],
    ['{n}', 2, ['1', '2']],
    ['a}b.zip', 1, ['a}b.zip']], // no "{": plain
  ])('%j, N=%i', (value, total, expected) => {
    expect(names(value, total)).toEqual(expected);
  });

  it('abc.zip pads to the digit count of N', () => {
    expect(names('abc.zip', 5)).toEqual(['abc_1.zip', 'abc_2.zip', 'abc_3.zip', 'abc_4.zip', 'abc_5.zip']);
    const n15 = names('abc.zip', 15);
    expect([n15[0], n15[9], n15[14]]).toEqual(['abc_01.zip', 'abc_10.zip', 'abc_15.zip']);
    const n150 = names('abc.zip', 150);
    expect([n150[0], n150[14], n150[149]]).toEqual(['abc_001.zip', 'abc_015.zip', 'abc_150.zip']);
  });

  it('{n2} and {n3} are minimum widths', () => {
    expect(names('x-{n2}.zip', 120)[119]).toBe('x-120.zip');
    expect(names('x-{n3}.zip', 1200)[1199]).toBe('x-1200.zip');
  });
});

describe('parseZipFilename', () => {
  it.each([
    ['a{foo}.zip', 'unknown placeholder {foo}'],
    ['{N}.zip', 'unknown placeholder {N}'],
    ['{}.zip', 'unknown placeholder {}'],
    ['{ n }.zip', 'unknown placeholder { n }'],
    ['photos-{n.zip', 'unbalanced brace at position 7'],
    ['photos-}{n}.zip', 'unbalanced brace at position 7'],
    ['{n}}.zip', 'unbalanced brace at position 3'],
    ['{a{n}}', 'unbalanced brace at position 0'],
    ['x{', 'unbalanced brace at position 1'],
    ['{{{n}', null],
    ['{{{n}}}', null],
    ['', 'must not be empty'],
  ])('%j → %j', (value, error) => {
    const parsed = parseZipFilename(value);
    expect(parsed.ok ? null : parsed.error).toBe(error);
  });

  it('undefined and null mean the default name', () => {
    expect(parseZipFilename(undefined)).toEqual({ ok: true, value: { kind: 'default' } });
    expect(parseZipFilename(null)).toEqual({ ok: true, value: { kind: 'default' } });
  });
});

describe('checkZipFilename', () => {
  const check = (value: string | undefined, maxTotal: number) => checkZipFilename(compile(value), { maxTotal });

  it.each<[string | undefined, number, string | null]>([
    [undefined, 20_000, null],
    ['abc.zip', 20_000, null],
    ['photos-{n}-of-{total}.zip', 100_000, null],
    ['a/b.zip', 1, 'must not contain "/" or "\\"'],
    ['a\\{n}.zip', 5, 'must not contain "/" or "\\"'],
    ['x\r\ny.zip', 1, 'must not contain control characters'],
    [`${'a'.repeat(251)}.zip`, 1, null],
    [`${'a'.repeat(252)}.zip`, 1, 'must be at most 255 characters'],
    [`${'a'.repeat(251)}`, 1, null], // + ".zip" = 255
    [`${'a'.repeat(252)}`, 1, 'must be at most 255 characters'],
    // 249 + "_n" + ".zip" = 255 up to N = 9; 256 from N = 10.
    [`${'a'.repeat(249)}.zip`, 9, null],
    [`${'a'.repeat(249)}.zip`, 10, 'must be at most 255 characters when split into 10 ZIPs'],
    [`${'a'.repeat(249)}.zip`, 20_000, 'must be at most 255 characters when split into 10 ZIPs'],
    // {n3} is 3 wide up to 999, then grows.
    [`${'a'.repeat(248)}{n3}.zip`, 999, null],
    [`${'a'.repeat(248)}{n3}.zip`, 1000, 'must be at most 255 characters when split into 1000 ZIPs'],
    [`${'a'.repeat(241)}{date}.zip`, 1, null],
    [`${'a'.repeat(242)}{date}.zip`, 1, 'must be at most 255 characters'],
    [`${'a'.repeat(247)}-{total}{n}.zip`, 9, null],
    [`${'a'.repeat(247)}-{total}{n}.zip`, 10, 'must be at most 255 characters when split into 10 ZIPs'],
    [`${'é'.repeat(251)}.zip`, 1, null], // characters, not bytes
  ])('%j up to N=%i → %j', (value, maxTotal, expected) => {
    expect(check(value, maxTotal)).toBe(expected);
  });

  it('is fast for huge maxTotal', () => {
    const started = Date.now();
    expect(check('{date}-{n}-of-{total}.zip', 10_000_000)).toBeNull();
    expect(Date.now() - started).toBeLessThan(100);
  });
});

// --- properties -----------------------------------------------------------------

const templateValue = fc
  .array(
    fc.oneof(
      fc.constantFrom('{n}', '{n2}', '{n3}', '{total}', '{date}', '{{', '}}', '.', '_', '.zip', '-', '1', '0'),
      fc.string({ unit: fc.constantFrom('a', 'b', '.', '0', '9', '_'), minLength: 1, maxLength: 4 }),
    ),
    { minLength: 1, maxLength: 6 },
  )
  .map((parts) => parts.join(''));
const anyValue = fc.oneof(templateValue, fc.string({ unit: fc.constantFrom('a', '.', '1', '_', '-'), minLength: 1, maxLength: 8 }), fc.constant(undefined));

describe('zip name properties', () => {
  it('names are pairwise distinct for every N', () => {
    fc.assert(
      fc.property(anyValue, fc.integer({ min: 1, max: 1200 }), (value, total) => {
        const parsed = parseZipFilename(value);
        fc.pre(parsed.ok);
        const out = renderZipNames((parsed as { value: CompiledZipName }).value, { jobId: JOB, createdAt: CREATED, total });
        expect(out).toHaveLength(total);
        expect(new Set(out).size).toBe(total);
      }),
      { numRuns: 1500 },
    );
  });

  it('checkZipFilename agrees with rendering every name for every N', () => {
    // Long literals put the 255-character limit within reach of small N.
    const value = fc.tuple(fc.integer({ min: 230, max: 256 }), templateValue, fc.boolean()).map(([len, t, front]) =>
      front ? `${'x'.repeat(len)}${t}` : `${t}${'y'.repeat(len - 10)}`,
    );
    fc.assert(
      fc.property(value, fc.integer({ min: 1, max: 110 }), (v, maxTotal) => {
        const parsed = parseZipFilename(v);
        fc.pre(parsed.ok);
        const compiled = (parsed as { value: CompiledZipName }).value;
        let brute: string | null = null;
        for (let total = 1; total <= maxTotal && brute === null; total++) {
          const bad = renderZipNames(compiled, { jobId: JOB, createdAt: CREATED, total }).some((n) => [...n].length > 255);
          if (bad) brute = `N=${total}`;
        }
        const problem = checkZipFilename(compiled, { maxTotal });
        if (brute === null) expect(problem).toBeNull();
        else expect(problem).toMatch(brute === 'N=1' ? /^must be at most 255 characters$/ : new RegExp(`split into ${brute.slice(2)} ZIPs`));
      }),
      { numRuns: 200 },
    );
  });

  it('every rendered name is within the checked bounds when the check passes', () => {
    fc.assert(
      fc.property(anyValue, fc.integer({ min: 1, max: 300 }), (value, total) => {
        const parsed = parseZipFilename(value);
        fc.pre(parsed.ok);
        const compiled = (parsed as { value: CompiledZipName }).value;
        fc.pre(checkZipFilename(compiled, { maxTotal: total }) === null);
        const bad = renderZipNames(compiled, { jobId: JOB, createdAt: CREATED, total }).filter(
          (n) => n.length === 0 || [...n].length > 255 || /[/\\]/.test(n),
        );
        expect(bad).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });
});
