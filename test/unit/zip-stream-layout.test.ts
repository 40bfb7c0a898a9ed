/**
 * The stream layout against the real writer: for any set of STORE entries,
 * the layout's total is the written archive's length, and any byte range
 * rendered from the layout (headers, source bytes, descriptors, central
 * directory, end records) equals the same slice of the written archive.
 */
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crcsNeeded, dosDateTime, piecesIn, predictZipSize, renderPiece, streamLayout, ZipWriter, type StreamEntry } from '../../lambdas/core/zip';
import { MAX32 } from '../../lambdas/core/zip/layout';
import { patternBytes } from '../support/zip-fixtures';
import { MemorySink } from '../support/zip-sinks';

interface File {
  name: string;
  data: Buffer;
  mtime: Date;
}

const fileArb = fc
  .record({
    name: fc.string({ unit: fc.constantFrom('a', 'b', 'é', '日', '/', '.', 'x'), minLength: 1, maxLength: 40 }),
    size: fc.oneof(fc.constant(0), fc.nat({ max: 300 }), fc.nat({ max: 5000 })),
    seed: fc.integer({ min: 1, max: 1e9 }),
    time: fc.integer({ min: 0, max: 4e12 }),
  })
  .map(({ name, size, seed, time }): File => ({ name, data: patternBytes(seed, size), mtime: new Date(time) }));

async function written(files: readonly File[], patching: boolean): Promise<Buffer> {
  const sink = new MemorySink({ patching });
  const writer = new ZipWriter(sink);
  for (const f of files) await writer.addEntry({ name: f.name, method: 'store', size: f.data.length, mtime: f.mtime }, [f.data]);
  await writer.finish();
  return sink.bytes();
}

function entriesOf(files: readonly File[]): StreamEntry[] {
  return files.map((f) => ({ name: f.name, size: f.data.length, dosDateTime: dosDateTime(f.mtime) }));
}

/** Renders `[start, end)` from the layout, with source bytes and CRCs from the files. */
function render(files: readonly File[], start: number, end: number, patched: boolean): Buffer {
  const layout = streamLayout(entriesOf(files), { patched });
  const crcOf = (i: number) => crc32(files[i]!.data);
  return Buffer.concat(
    piecesIn(layout, start, end).map((p) => (p.kind === 'data' ? files[p.entry]!.data.subarray(p.from, p.to) : renderPiece(layout, p, crcOf))),
  );
}

describe('stream layout', () => {
  it.each([
    ['a sink that cannot patch (data descriptors)', false],
    ['a patching sink (headers patched, no descriptors)', true],
  ])('has the written archive’s length and, for any range, its bytes: %s', async (_, patched) => {
    await fc.assert(
      fc.asyncProperty(fc.array(fileArb, { maxLength: 12 }), fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 1, maxLength: 8 }), async (files, ranges) => {
        const whole = await written(files, patched);
        const layout = streamLayout(entriesOf(files), { patched });
        expect(layout.total).toBe(whole.length);
        expect(render(files, 0, whole.length, patched).equals(whole)).toBe(true);
        for (const [a, b] of ranges) {
          const start = Math.floor(Math.min(a, b) * whole.length);
          const end = Math.floor(Math.max(a, b) * whole.length);
          expect(render(files, start, end, patched).equals(whole.subarray(start, end))).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('needs a CRC only for descriptors and central records whose entry data the range does not carry whole', () => {
    const files = [0, 1, 2].map((i) => ({ name: `f${i}`, data: patternBytes(i + 1, 100), mtime: new Date(0) }));
    const layout = streamLayout(entriesOf(files));
    expect(crcsNeeded(layout, piecesIn(layout, 0, layout.total))).toEqual([]);
    expect(crcsNeeded(layout, piecesIn(layout, 0, layout.dataOffsets[1]!))).toEqual([]);
    expect(crcsNeeded(layout, piecesIn(layout, layout.descriptorOffsets[1]!, layout.headerOffsets[2]!))).toEqual([1]);
    expect(crcsNeeded(layout, piecesIn(layout, layout.cdOffset, layout.total))).toEqual([0, 1, 2]);
    expect(crcsNeeded(layout, piecesIn(layout, layout.headerOffsets[1]!, layout.total))).toEqual([0]);
  });

  it('sizes ZIP64 archives as the writer’s own predictor does, in both forms', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ name: fc.string({ minLength: 1, maxLength: 20 }), size: fc.oneof(fc.nat({ max: 1000 }), fc.integer({ min: MAX32 - 30, max: 3 * MAX32 })) }), { maxLength: 6 }), fc.boolean(), (list, patched) => {
        const entries = list.map((e) => ({ ...e, dosDateTime: 0 }));
        expect(streamLayout(entries, { patched }).total).toBe(predictZipSize(entries.map((e) => ({ ...e, method: 'store' as const })), { patching: patched }));
      }),
    );
  });

  it('in the patched form, needs the CRC of every header it renders', () => {
    const files = [0, 1, 2].map((i) => ({ name: `f${i}`, data: patternBytes(i + 1, 100), mtime: new Date(0) }));
    const layout = streamLayout(entriesOf(files), { patched: true });
    expect(layout.descriptorOffsets[0]).toBe(layout.headerOffsets[1]);
    expect(crcsNeeded(layout, piecesIn(layout, 0, layout.dataOffsets[1]!))).toEqual([0, 1]);
    expect(crcsNeeded(layout, piecesIn(layout, layout.dataOffsets[1]!, layout.cdOffset))).toEqual([2]);
  });
});
