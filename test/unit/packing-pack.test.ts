import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ARCHIVE_OVERHEAD, entryBudget, mapConcurrent, nameBudget, packFiles, packItemFor, type PackItem, type PackOptions } from '../../lambdas/core/packing';
import { predictZipSize } from '../../lambdas/core/zip';

const MiB = 1024 * 1024;
const CAP = 100 * MiB;

const budgetOf = (item: PackItem, count: number, opts: PackOptions) =>
  item.size === undefined ? Infinity : entryBudget(item.size, item.method, nameBudget(item.name, count), { cap: opts.maxZipSize, patching: opts.patching ?? true });
const lone = (item: PackItem, count: number, opts: PackOptions) => budgetOf(item, count, opts) + ARCHIVE_OVERHEAD > opts.maxZipSize;

function bins(items: PackItem[], opts: PackOptions): number[][] {
  const result = packFiles(items, opts);
  if (!result.ok) throw new Error(`rejected: ${JSON.stringify(result.rejected)}`);
  return result.bins;
}

/** Jobs at two scales: small caps (many files per bin, oversize ones common) and real caps with multi-GiB files (ZIP64). */
const job = fc
  .oneof(
    fc.record({ cap: fc.integer({ min: 600, max: 60_000 }), maxSize: fc.constant(40_000) }),
    fc.record({ cap: fc.integer({ min: 104_857_600, max: 536_870_912_000 }), maxSize: fc.constant(8e9) }),
  )
  .chain(({ cap, maxSize }) =>
    fc.record({
      options: fc.record({
        maxZipSize: fc.constant(cap),
        strategy: fc.constantFrom('preserve-order' as const, 'ffd' as const),
        allowOversize: fc.constant(true),
        patching: fc.boolean(),
      }),
      items: fc.array(
        fc.record(
          {
            size: fc.oneof({ weight: 9, arbitrary: fc.nat({ max: Math.min(maxSize, Math.floor(cap * 0.7)) }) }, { weight: 1, arbitrary: fc.nat({ max: maxSize }) }),
            method: fc.constantFrom('store' as const, 'deflate' as const),
            name: fc.string({ minLength: 1, maxLength: 40 }),
            probeFailed: fc.boolean(),
          },
          { requiredKeys: ['method'] },
        ),
        { maxLength: 80 },
      ),
    }),
  )
  .map(({ options, items }) => ({ options, items: items.map((it, index): PackItem => ({ ...it, index, url: `https://e.com/${index}` })) }));

describe('packFiles: properties', () => {
  it('every file exactly once; input order inside every bin', () => {
    fc.assert(
      fc.property(job, ({ items, options }) => {
        const out = bins(items, options);
        expect(out.flat().sort((a, b) => a - b)).toEqual(items.map((i) => i.index));
        for (const bin of out) expect(bin).toEqual([...bin].sort((a, b) => a - b));
        expect(out.every((b) => b.length > 0)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('every bin fits the cap by the writer’s accounting with worst-case names, except a lone oversize or unknown file', () => {
    fc.assert(
      fc.property(job, ({ items, options }) => {
        for (const bin of bins(items, options)) {
          const files = bin.map((i) => items[i]!);
          if (bin.length === 1 && (files[0]!.size === undefined || lone(files[0]!, items.length, options))) continue;
          expect(files.every((f) => f.size !== undefined && !lone(f, items.length, options))).toBe(true);
          const planned = files.map((f) => ({ name: 'n'.repeat(nameBudget(f.name, items.length)), size: f.size!, method: f.method }));
          expect(predictZipSize(planned, { patching: options.patching })).toBeLessThanOrEqual(options.maxZipSize);
          const budget = files.reduce((n, f) => n + budgetOf(f, items.length, options), ARCHIVE_OVERHEAD);
          expect(budget).toBeLessThanOrEqual(options.maxZipSize);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('ffd never uses more bins than preserve-order; neither beats ⌈payload / cap⌉ (plus one bin per lone file)', () => {
    fc.assert(
      fc.property(job, ({ items, options }) => {
        const ordered = bins(items, { ...options, strategy: 'preserve-order' });
        const ffd = bins(items, { ...options, strategy: 'ffd' });
        expect(ffd.length).toBeLessThanOrEqual(ordered.length);
        // Lone files (unknown size, oversize) take a bin each; the rest cannot beat ⌈payload / cap⌉.
        const loners = items.filter((i) => i.size === undefined || lone(i, items.length, options));
        const payload = items.reduce((n, i) => n + (loners.includes(i) ? 0 : i.size!), 0);
        for (const out of [ordered, ffd]) expect(out.length).toBeGreaterThanOrEqual(loners.length + Math.ceil(payload / options.maxZipSize));
      }),
      { numRuns: 300 },
    );
  });

  it('preserve-order: contiguous runs, and a bin closes only when the next file does not fit', () => {
    fc.assert(
      fc.property(job, ({ items, options }) => {
        const out = bins(items, { ...options, strategy: 'preserve-order' });
        expect(out.flat()).toEqual(items.map((i) => i.index));
        for (let b = 0; b + 1 < out.length; b++) {
          const next = items[out[b + 1]![0]!]!;
          const current = out[b]!.map((i) => items[i]!);
          const closedByLone = [next, ...current].some((f) => f.size === undefined || lone(f, items.length, options));
          if (closedByLone) continue;
          const used = current.reduce((n, f) => n + budgetOf(f, items.length, options), ARCHIVE_OVERHEAD);
          expect(used + budgetOf(next, items.length, options)).toBeGreaterThan(options.maxZipSize);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('allow_oversize_zips false: rejects exactly the oversize and unknown-size files (a failed probe is left to BuildZip)', () => {
    fc.assert(
      fc.property(job, ({ items, options }) => {
        const strict = { ...options, allowOversize: false };
        const expected = items.filter((i) => !i.probeFailed && (i.size === undefined || lone(i, items.length, strict)));
        const result = packFiles(items, strict);
        if (expected.length === 0) expect(result.ok).toBe(true);
        else
          expect(result).toEqual({
            ok: false,
            rejected: expected.map((i) => ({ index: i.index, url: i.url, reason: i.size === undefined ? 'unknown-size' : 'oversize' })),
          });
      }),
      { numRuns: 300 },
    );
  });
});

describe('packFiles: examples', () => {
  const opts = (strategy: 'preserve-order' | 'ffd'): PackOptions => ({ maxZipSize: CAP, strategy, allowOversize: true });
  const files = (sizes: (number | undefined)[]): PackItem[] =>
    sizes.map((size, index) => ({ index, method: 'store', name: `f${index}.bin`, ...(size !== undefined && { size }) }));

  it('preserve-order vs ffd on the same files', () => {
    const items = files([70, 18, 60, 26, 50, 33, 23].map((m) => m * MiB));
    expect(bins(items, opts('preserve-order'))).toEqual([[0, 1], [2, 3], [4, 5], [6]]);
    expect(bins(items, opts('ffd'))).toEqual([[0, 3], [1, 4, 6], [2, 5]]);
  });

  it('unknown-size and oversize files get bins of their own, where they stand', () => {
    const items = files([10 * MiB, undefined, 10 * MiB, 200 * MiB, 10 * MiB]);
    expect(bins(items, opts('preserve-order'))).toEqual([[0], [1], [2], [3], [4]]);
    expect(bins(items, opts('ffd'))).toEqual([[0, 2, 4], [1], [3]]);
    expect(packFiles(items, { ...opts('ffd'), allowOversize: false })).toEqual({
      ok: false,
      rejected: [
        { index: 1, reason: 'unknown-size' },
        { index: 3, reason: 'oversize' },
      ],
    });
  });

  it('a file exactly as large as a lone ZIP allows still fits; one byte more is oversize', () => {
    const budget = (size: number) => entryBudget(size, 'store', nameBudget('a.bin', 1), { cap: CAP, patching: true });
    const fitting = CAP - ARCHIVE_OVERHEAD - (budget(0) - 0);
    expect(packFiles([{ index: 0, size: fitting, method: 'store', name: 'a.bin' }], { ...opts('ffd'), allowOversize: false }).ok).toBe(true);
    expect(packFiles([{ index: 0, size: fitting + 1, method: 'store', name: 'a.bin' }], { ...opts('ffd'), allowOversize: false }).ok).toBe(false);
  });

  it('ffd falls back to input order where first-fit decreasing would use more bins', () => {
    // Classic FFD worst case (bins of 100: 6×51, 6×27, 6×26, 12×23 → FFD 11, optimum 9), laid out in an optimal order.
    const unit = MiB;
    const overhead = entryBudget(0, 'store', nameBudget('f.bin', 30), { cap: CAP, patching: true });
    const cap = 100 * unit + ARCHIVE_OVERHEAD;
    const weights = [...Array(6).fill([51, 26, 23]).flat(), ...Array(3).fill([27, 27, 23, 23]).flat()] as number[];
    const items: PackItem[] = weights.map((w, index) => ({ index, size: w * unit - overhead, method: 'store', name: 'f.bin' }));
    const options: PackOptions = { maxZipSize: cap, strategy: 'ffd', allowOversize: true };
    expect(bins(items, { ...options, strategy: 'preserve-order' })).toHaveLength(9);
    expect(bins(items, options)).toHaveLength(9);
  });

  it('packs 20,000 files without quadratic work', () => {
    const items: PackItem[] = Array.from({ length: 20_000 }, (_, index) => ({ index, size: ((index * 7919) % 5000) * 1000 + 1, method: 'deflate' }));
    for (const strategy of ['preserve-order', 'ffd'] as const) {
      const started = performance.now();
      const out = bins(items, { maxZipSize: CAP, strategy, allowOversize: true });
      // A correctness guard against an O(n²) first-fit, not a benchmark (that is in the report: a few ms).
      expect(performance.now() - started).toBeLessThan(1000);
      expect(out.flat()).toHaveLength(20_000);
    }
  });
});

describe('packItemFor: the method to budget', () => {
  const file = (filename: string | null) => ({ url: 'https://e.com/v.mp4', filename });
  it.each([
    ['auto', 'clip.mp4', 'store'],
    ['auto', 'notes.txt', 'deflate'],
    // The name (so the method) is only known after the GET: budget the worse one.
    ['auto', null, 'deflate'],
    ['store', null, 'store'],
    ['deflate', 'clip.mp4', 'deflate'],
  ] as const)('compression %s, filename %s → %s', (compression, filename, method) => {
    expect(packItemFor(3, file(filename), { ok: true, size: 10 }, compression)).toMatchObject({ index: 3, size: 10, method });
  });

  it('a failed probe is an unknown size that BuildZip settles', () => {
    expect(packItemFor(0, file(null), { ok: false }, 'auto')).toEqual({ index: 0, method: 'deflate', url: 'https://e.com/v.mp4', probeFailed: true });
  });
});

describe('mapConcurrent', () => {
  it('keeps input order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapConcurrent(Array.from({ length: 50 }, (_, i) => i), 7, async (n) => {
      peak = Math.max(peak, ++running);
      await new Promise((r) => setTimeout(r, n % 3));
      running--;
      return n * 2;
    });
    expect(out).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
    expect(peak).toBe(7);
  });
});
