/**
 * The segment planner over random layouts: whole parts within S3's limits,
 * segments that cover the archive once in order, every source byte read by
 * exactly one segment, held-back parts only where a CRC from elsewhere is
 * needed, ZIP64 layouts included; and, with real bytes, segments plus the
 * finish step give exactly the archive the writer writes to a patching sink.
 */
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dosDateTime, pieceStart, piecesIn, renderPiece, streamLayout, ZipWriter, type StreamEntry } from '../../lambdas/core/zip';
import { MAX32 } from '../../lambdas/core/zip/layout';
import { MAX_PARTS, MAX_PART_SIZE, MIN_PART_SIZE, MiB } from '../../lambdas/core/zip/parts';
import { combineEntryCrcs, partBounds, planSegments, segmentWork, type SegmentLimits } from '../../lambdas/core/zip/segments';
import { patternBytes } from '../support/zip-fixtures';
import { MemorySink } from '../support/zip-sinks';

const GiB = 1024 * MiB;

const sizeArb = fc.oneof(
  { weight: 4, arbitrary: fc.nat({ max: 64 * MiB }) },
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 1, arbitrary: fc.integer({ min: MAX32 - 40, max: MAX32 + 40 }) }, // the ZIP64 threshold
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 6 * GiB }) },
);
const entriesArb = fc.array(fc.record({ name: fc.string({ minLength: 1, maxLength: 30 }), size: sizeArb, dosDateTime: fc.constant(0) }), { minLength: 1, maxLength: 40 });
const limitsArb: fc.Arbitrary<SegmentLimits> = fc.record({
  partSize: fc.integer({ min: 1, max: 256 * MiB }),
  minSegmentBytes: fc.integer({ min: 1, max: 4 * GiB }),
  maxSegments: fc.integer({ min: 1, max: 64 }),
});

describe('planSegments', () => {
  it('cuts any archive into whole parts within S3’s limits, segments covering it once, in order', () => {
    fc.assert(
      fc.property(entriesArb, limitsArb, (entries, limits) => {
        const layout = streamLayout(entries, { patched: true });
        const plan = planSegments(layout.total, limits);
        expect(plan.partSize).toBeGreaterThanOrEqual(Math.max(MIN_PART_SIZE, limits.partSize));
        expect(plan.partSize).toBeLessThanOrEqual(MAX_PART_SIZE);
        expect(plan.partCount).toBeLessThanOrEqual(MAX_PARTS);
        expect(plan.partCount).toBe(Math.max(1, Math.ceil(layout.total / plan.partSize)));
        expect(plan.segments.length).toBeLessThanOrEqual(limits.maxSegments);
        if (plan.segments.length > 1) expect(plan.segments.length).toBeLessThanOrEqual(Math.floor(layout.total / limits.minSegmentBytes));
        let part = 1;
        let at = 0;
        for (const s of plan.segments) {
          expect(s.firstPart).toBe(part);
          expect(s.lastPart).toBeGreaterThanOrEqual(s.firstPart);
          expect(s.start).toBe(at);
          expect(s.start % plan.partSize).toBe(0);
          part = s.lastPart + 1;
          at = s.end;
        }
        expect(part - 1).toBe(plan.partCount);
        expect(at).toBe(layout.total);
        // Even in parts: no segment has more than one part more than another.
        const counts = plan.segments.map((s) => s.lastPart - s.firstPart + 1);
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });

  it('reads every source byte in exactly one segment, and holds back only parts that need a CRC from elsewhere', () => {
    fc.assert(
      fc.property(entriesArb, limitsArb, (entries, limits) => {
        const layout = streamLayout(entries, { patched: true });
        const plan = planSegments(layout.total, limits);
        const ranges = plan.segments.flatMap((s) => segmentWork(layout, plan, s).reads.map((r) => ({ ...r, crc: 0 })));
        expect(() => combineEntryCrcs(layout, ranges)).not.toThrow(); // each entry's data covered once, in order
        let deferred = 0;
        for (const s of plan.segments) {
          const work = segmentWork(layout, plan, s);
          const whole = new Set(work.wholeEntries);
          for (let p = s.firstPart; p <= s.lastPart; p++) {
            const { start, end } = partBounds(plan, p);
            const crcOf = (i: number): number => {
              if (entries[i]!.size > 0 && !whole.has(i)) throw new Error('needs a CRC from elsewhere');
              return 0;
            };
            const self = () =>
              piecesIn(layout, start, end).forEach((piece) => {
                if (piece.kind === 'central' || piece.kind === 'end') throw new Error('needs every CRC');
                if (piece.kind !== 'data') renderPiece(layout, piece, crcOf);
              });
            if (work.deferredParts.includes(p)) expect(self).toThrow();
            else expect(self).not.toThrow();
          }
          deferred += work.deferredParts.length;
        }
        // Held back: the headers of entries cut by a segment boundary (a header may straddle two parts), and the central directory.
        const centralParts = Math.ceil(layout.total / plan.partSize) - Math.floor(layout.cdOffset / plan.partSize);
        expect(deferred).toBeLessThanOrEqual(2 * (plan.segments.length - 1) + centralParts);
      }),
      { numRuns: 60 },
    );
  });

  it('gives one segment when the archive is below two segments’ minimum, and refuses one past 10,000 × 5 GiB', () => {
    expect(planSegments(3 * GiB, { partSize: 8 * MiB, minSegmentBytes: 2 * GiB, maxSegments: 16 }).segments).toHaveLength(1);
    expect(planSegments(3 * GiB, { partSize: 8 * MiB, minSegmentBytes: GiB, maxSegments: 16 }).segments).toHaveLength(3);
    expect(planSegments(100 * GiB, { partSize: 8 * MiB, minSegmentBytes: GiB, maxSegments: 64 }).partSize).toBe(11 * MiB);
    expect(() => planSegments(MAX_PARTS * MAX_PART_SIZE + 1, { partSize: 8 * MiB, minSegmentBytes: GiB, maxSegments: 8 })).toThrow(RangeError);
  });
});

describe('segments and the finish step', () => {
  it('write byte for byte the archive the writer writes to a patching sink', async () => {
    const fileArb = fc.record({ name: fc.string({ unit: fc.constantFrom('a', 'é', '/', 'x'), minLength: 1, maxLength: 12 }), size: fc.oneof(fc.nat({ max: 300 }), fc.integer({ min: 1, max: 9 * MiB })), seed: fc.nat() });
    await fc.assert(
      fc.asyncProperty(fc.array(fileArb, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 8 }), async (specs, maxSegments) => {
        const files = specs.map((f) => ({ name: f.name, data: patternBytes(f.seed + 1, f.size), mtime: new Date(1.7e12) }));
        const sink = new MemorySink({ patching: true });
        const writer = new ZipWriter(sink);
        for (const f of files) await writer.addEntry({ name: f.name, method: 'store', size: f.data.length, mtime: f.mtime }, [f.data]);
        await writer.finish();
        const expected = sink.bytes();

        const entries: StreamEntry[] = files.map((f) => ({ name: f.name, size: f.data.length, dosDateTime: dosDateTime(f.mtime) }));
        const layout = streamLayout(entries, { patched: true });
        const plan = planSegments(layout.total, { partSize: MIN_PART_SIZE, minSegmentBytes: 1, maxSegments });
        const parts = new Map<number, Buffer>();
        const held = new Map<number, Buffer>();
        const rangeCrcs = [];
        const render = (start: number, end: number, crcOf: (i: number) => number) =>
          Buffer.concat(piecesIn(layout, start, end).map((p) => (p.kind === 'data' ? files[p.entry]!.data.subarray(p.from, p.to) : renderPiece(layout, p, crcOf))));
        for (const s of plan.segments) {
          const work = segmentWork(layout, plan, s);
          const known = new Map(work.reads.map((r) => [r.entry, crc32(files[r.entry]!.data.subarray(r.from, r.to))]));
          for (const r of work.reads) rangeCrcs.push({ ...r, crc: known.get(r.entry)! });
          for (let p = s.firstPart; p <= s.lastPart; p++) {
            const { start, end } = partBounds(plan, p);
            const deferred = work.deferredParts.includes(p);
            const bytes = render(start, end, (i) => (deferred ? 0 : (known.get(i) ?? 0)));
            (deferred ? held : parts).set(p, bytes);
          }
        }
        const crcs = combineEntryCrcs(layout, rangeCrcs);
        for (const [p, bytes] of held) {
          const { start } = partBounds(plan, p);
          for (const piece of piecesIn(layout, start, start + bytes.length)) {
            if (piece.kind === 'data') continue;
            renderPiece(layout, piece, (i) => crcs[i]!).copy(bytes, pieceStart(layout, piece) - start);
          }
          parts.set(p, bytes);
        }
        const built = Buffer.concat([...parts.entries()].sort((a, b) => a[0] - b[0]).map(([, b]) => b));
        expect(built.equals(expected)).toBe(true);
      }),
      { numRuns: 8 },
    );
  });
});
