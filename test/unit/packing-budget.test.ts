import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EntryNameDeduper, entryBaseName } from '../../lambdas/core/naming';
import { ARCHIVE_OVERHEAD, DERIVED_NAME_MAX_BYTES, entryBudget, lonePayloadLimit, nameBudget } from '../../lambdas/core/packing';
import { predictZipSize } from '../../lambdas/core/zip';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

// Characters that stress byte counts, NFC, case folding and sanitising.
const unit = fc.constantFrom(...'abAB01 .-_()'.split(''), 'é', 'e\u0301', 'ß', 'SS', 'Ω', '日', '😀', '/', '\\', ':', '\u202e', '\u0000', '%41');
const rawName = fc.string({ unit, minLength: 0, maxLength: 400 });
const segment = fc.string({ unit: fc.constantFrom(...'abAB1 .()'.split(''), 'é', 'ß', '日'), minLength: 1, maxLength: 6 }).filter((s) => s !== '.' && s !== '..');
const clientName = fc.array(segment, { minLength: 1, maxLength: 3 }).map((p) => p.join('/'));

describe('nameBudget: what naming can really produce', () => {
  it('a server- or URL-derived name is never longer than DERIVED_NAME_MAX_BYTES', () => {
    fc.assert(
      fc.property(rawName, rawName, (disposition, path) => {
        const url = `https://example.com/${encodeURIComponent(path)}`;
        expect(bytes(entryBaseName({ contentDispositionName: disposition, url }))).toBeLessThanOrEqual(DERIVED_NAME_MAX_BYTES);
        expect(bytes(entryBaseName({ url }))).toBeLessThanOrEqual(DERIVED_NAME_MAX_BYTES);
      }),
      { numRuns: 500 },
    );
  });

  it('every de-duplicated name stays within its budget, however names collide', () => {
    // A small alphabet makes collisions, folder/file clashes and pre-suffixed names common.
    const names = fc.array(
      fc.oneof(
        clientName.map((name) => ({ name, client: true })),
        fc.constantFrom('a', 'a (1)', 'A/b', 'a/B (1)', 'x.txt', 'x (1).txt').map((name) => ({ name, client: true })),
        rawName.map((raw) => ({ name: entryBaseName({ contentDispositionName: raw, url: 'https://e.com/f' }), client: false })),
      ),
      { minLength: 1, maxLength: 60 },
    );
    fc.assert(
      fc.property(names, (list) => {
        const deduper = new EntryNameDeduper();
        for (const { name, client } of list) {
          const claimed = deduper.claim(client ? name.normalize('NFC') : name);
          expect(bytes(claimed)).toBeLessThanOrEqual(nameBudget(client ? name : undefined, list.length));
        }
      }),
      { numRuns: 400 },
    );
  });

  it('many copies of one long name: the suffix grows with the count, and the budget with it', () => {
    const long = `${'n'.repeat(250)}.bin`;
    const deduper = new EntryNameDeduper();
    let last = '';
    for (let i = 0; i < 1200; i++) last = deduper.claim(long);
    expect(last).toBe(`${'n'.repeat(250)} (1199).bin`);
    expect(bytes(last)).toBe(nameBudget(long, 1200));
  });
});

describe('entryBudget and lonePayloadLimit', () => {
  const ctx = (cap: number, patching = true) => ({ cap, patching });

  it('an entry budget covers the exact prediction of a one-entry archive, with the writer told the size or not', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 6e9 }),
        fc.constantFrom('store' as const, 'deflate' as const),
        fc.integer({ min: 1, max: 300 }),
        fc.boolean(),
        (size, method, len, patching) => {
          const predicted = predictZipSize([{ name: 'x'.repeat(len), size, method }], { patching });
          const budget = entryBudget(size, method, len, ctx(536_870_912_000, patching)) + ARCHIVE_OVERHEAD;
          expect(budget).toBeGreaterThanOrEqual(predicted);
        },
      ),
    );
  });

  it('lonePayloadLimit is the largest size whose own ZIP fits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 104_857_600, max: 536_870_912_000 }),
        fc.constantFrom('store' as const, 'deflate' as const),
        fc.integer({ min: 1, max: 1100 }),
        (cap, method, len) => {
          const limit = lonePayloadLimit(method, len, ctx(cap));
          expect(entryBudget(limit, method, len, ctx(cap)) + ARCHIVE_OVERHEAD).toBeLessThanOrEqual(cap);
          expect(entryBudget(limit + 1, method, len, ctx(cap)) + ARCHIVE_OVERHEAD).toBeGreaterThan(cap);
        },
      ),
    );
    expect(lonePayloadLimit('store', 10, ctx(100))).toBe(-1);
  });
});
