/**
 * The cap as a user sees it: each bin is written by the real ZipWriter the
 * way BuildZip writes it (names from the client or a server, de-duplicated
 * per ZIP; sizes announced or not), and the archive must fit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EntryNameDeduper, entryBaseName } from '../../lambdas/core/naming';
import { ARCHIVE_OVERHEAD, entryBudget, nameBudget, packFiles, type PackItem } from '../../lambdas/core/packing';
import { ZipWriter } from '../../lambdas/core/zip';
import { MTIME, patternBytes } from '../support/zip-fixtures';
import { MemorySink } from '../support/zip-sinks';

interface File {
  size: number;
  /** The client's filename, or the raw Content-Disposition name a server will send. */
  client?: string;
  server: string;
  deflate: boolean;
  announce: boolean;
  seed: number;
}

const nameUnit = fc.constantFrom(...'abAB .-_'.split(''), 'é', 'e\u0301', 'ß', '日', '😀', '/', ':');
const clientName = fc.constantFrom('a.bin', 'A.BIN', 'docs/a.bin', 'docs', 'docs/x/y.txt', 'ü.txt', 'u\u0308.txt');
const file = fc.record({
  size: fc.oneof(fc.nat({ max: 200 }), fc.nat({ max: 6000 })),
  client: fc.option(clientName, { nil: undefined }),
  server: fc.string({ unit: nameUnit, maxLength: 300 }),
  deflate: fc.boolean(),
  announce: fc.boolean(),
  seed: fc.integer({ min: 1, max: 1e9 }),
});

async function writeBin(files: File[], patching: boolean): Promise<number> {
  const sink = new MemorySink({ patching });
  const writer = new ZipWriter(sink);
  const names = new EntryNameDeduper();
  for (const f of files) {
    const base = entryBaseName({ filename: f.client ?? null, contentDispositionName: f.server, url: 'https://e.com/x' });
    const data = patternBytes(f.seed, f.size);
    await writer.addEntry(
      { name: names.claim(base), method: f.deflate ? 'deflate' : 'store', mtime: MTIME, ...(f.announce && { size: f.size }) },
      [data],
    );
  }
  return writer.finish();
}

describe('packed bins, written by the ZIP writer', () => {
  it('every ZIP is within the cap, except a lone oversize file', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(file, { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 700, max: 30_000 }),
        fc.constantFrom('preserve-order' as const, 'ffd' as const),
        fc.boolean(),
        async (files, cap, strategy, patching) => {
          const items: PackItem[] = files.map((f, index) => ({
            index,
            size: f.size,
            // What Prepare budgets: DEFLATE whenever BuildZip may deflate.
            method: f.deflate ? 'deflate' : 'store',
            ...(f.client !== undefined && { name: f.client }),
          }));
          const result = packFiles(items, { maxZipSize: cap, strategy, allowOversize: true, patching });
          if (!result.ok) throw new Error('allowOversize never rejects');
          for (const bin of result.bins) {
            const size = await writeBin(bin.map((i) => files[i]!), patching);
            const item = items[bin[0]!]!;
            const lone = bin.length === 1 && entryBudget(item.size!, item.method, nameBudget(item.name, items.length), { cap, patching }) + ARCHIVE_OVERHEAD > cap;
            if (!lone) expect(size).toBeLessThanOrEqual(cap);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a bin packed to the last byte stays within the cap when names and sizes turn out as bad as they can', async () => {
    // Every server sends the same 255-byte name, so every entry after the first gets a " (k)" suffix,
    // and no GET announces a length, so every local header carries a ZIP64 extra. Enough entries
    // that a name budget short by one suffix would outgrow the slack of the end records.
    const longName = `${'a'.repeat(300)}.bin`;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat({ max: 3000 }), { minLength: 12, maxLength: 40 }),
        fc.boolean(),
        fc.boolean(),
        async (sizes, patching, clientNames) => {
          const items: PackItem[] = sizes.map((size, index) => ({ index, size, method: 'store', ...(clientNames && { name: 'd/same.txt' }) }));
          // A cap that the whole list fills exactly, by the budget.
          const cap = items.reduce((n, i) => n + entryBudget(i.size!, 'store', nameBudget(i.name, items.length), { cap: 1e6, patching }), ARCHIVE_OVERHEAD);
          const result = packFiles(items, { maxZipSize: cap, strategy: 'preserve-order', allowOversize: true, patching });
          expect(result).toEqual({ ok: true, bins: [items.map((i) => i.index)] });
          const files = sizes.map((size, seed): File => ({ size, server: longName, deflate: false, announce: false, seed, ...(clientNames && { client: 'd/same.txt' }) }));
          expect(await writeBin(files, patching)).toBeLessThanOrEqual(cap);
        },
      ),
      { numRuns: 100 },
    );
  });
});
