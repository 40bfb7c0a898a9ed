/**
 * Cutting one archive of known layout (STORE entries of known sizes, the
 * patching form of `streamLayout`) into segments that separate builds write
 * at once into one multipart upload. A segment is a run of whole parts; it
 * fetches only its entries' byte ranges, records the CRC-32 of each range,
 * and uploads its parts itself, except the parts it cannot finish alone:
 * those holding a local header whose CRC depends on bytes of another segment,
 * and those holding the central directory. The finish step combines the
 * ranges' CRCs (`crc32Combine`), renders the held parts' headers and the
 * central directory, uploads them and completes the upload.
 */
import { crc32Combine } from './crc32-combine';
import { MAX_PARTS, MAX_PART_SIZE, MIN_PART_SIZE, uniformPartSize } from './parts';
import { pieceStart, piecesIn, type Piece, type StreamLayout } from './stream-layout';

export interface SegmentLimits {
  /** The part size wanted; raised (never lowered) until the archive fits 10,000 parts, at least 5 MiB. */
  readonly partSize: number;
  /** Fewest bytes a segment may have: below it, a segment costs more than it saves. */
  readonly minSegmentBytes: number;
  /** Most segments at once (the builds the account lets run together). */
  readonly maxSegments: number;
}

/** Parts `firstPart`…`lastPart` (1-based, inclusive): archive bytes `[start, end)`. */
export interface Segment {
  readonly index: number;
  readonly firstPart: number;
  readonly lastPart: number;
  readonly start: number;
  readonly end: number;
}

export interface SegmentPlan {
  readonly total: number;
  readonly partSize: number;
  readonly partCount: number;
  readonly segments: readonly Segment[];
}

/** The part size an archive of `total` bytes is uploaded with: the wanted one, within S3's limits. */
export function segmentPartSize(total: number, wanted: number): number {
  const size = uniformPartSize(total, Math.max(MIN_PART_SIZE, wanted));
  if (Math.ceil(total / size) > MAX_PARTS || size > MAX_PART_SIZE) throw new RangeError(`an archive of ${total} bytes does not fit one multipart upload`);
  return size;
}

/** How many segments an archive of `total` bytes is built in (1: build it as one). */
export function segmentCount(total: number, limits: SegmentLimits): number {
  const parts = Math.max(1, Math.ceil(total / segmentPartSize(total, limits.partSize)));
  const bySize = Math.floor(total / Math.max(1, limits.minSegmentBytes));
  return Math.max(1, Math.min(parts, bySize, Math.floor(limits.maxSegments)));
}

/** Segments of whole parts, as even in part count as they can be, in archive order. */
export function planSegments(total: number, limits: SegmentLimits): SegmentPlan {
  const partSize = segmentPartSize(total, limits.partSize);
  const partCount = Math.max(1, Math.ceil(total / partSize));
  const count = segmentCount(total, limits);
  const segments: Segment[] = [];
  for (let k = 0; k < count; k++) {
    const firstPart = Math.floor((k * partCount) / count) + 1;
    const lastPart = Math.floor(((k + 1) * partCount) / count);
    segments.push({ index: k, firstPart, lastPart, start: (firstPart - 1) * partSize, end: Math.min(total, lastPart * partSize) });
  }
  return { total, partSize, partCount, segments };
}

/** Archive bytes `[start, end)` of part `number`. */
export function partBounds(plan: Pick<SegmentPlan, 'partSize' | 'total'>, number: number): { start: number; end: number } {
  const start = (number - 1) * plan.partSize;
  return { start, end: Math.min(plan.total, start + plan.partSize) };
}

/** Bytes `[from, to)` of entry `entry`'s data, and their CRC-32 once read. */
export interface EntryRange {
  readonly entry: number;
  readonly from: number;
  readonly to: number;
}
export interface RangeCrc extends EntryRange {
  readonly crc: number;
}

/** What one segment does: the source ranges it reads (in archive order) and the parts it leaves to the finish step. */
export interface SegmentWork {
  readonly reads: readonly EntryRange[];
  /** Entries whose whole data the segment reads: it knows their CRC-32 and renders their headers itself. */
  readonly wholeEntries: readonly number[];
  /** Parts whose bytes the segment cannot complete alone, in order. */
  readonly deferredParts: readonly number[];
}

/** Whether a piece's bytes can be rendered with the CRCs of `known` entries (and empty ones) alone. */
function renderable(layout: StreamLayout, piece: Piece, known: ReadonlySet<number>): boolean {
  if (piece.kind === 'data') return true;
  if (piece.kind === 'header' || piece.kind === 'descriptor') return layout.entries[piece.entry]!.size === 0 || known.has(piece.entry);
  return false; // the central directory and end records wait for every CRC
}

export function segmentWork(layout: StreamLayout, plan: SegmentPlan, segment: Segment): SegmentWork {
  if (!layout.patched) throw new TypeError('segments are built in the patching layout');
  const pieces = piecesIn(layout, segment.start, segment.end);
  const reads: EntryRange[] = [];
  const whole = new Set<number>();
  for (const p of pieces) {
    if (p.kind !== 'data') continue;
    reads.push({ entry: p.entry, from: p.from, to: p.to });
    if (p.from === 0 && p.to === layout.entries[p.entry]!.size) whole.add(p.entry);
  }
  // The parts a piece it cannot render overlaps (pieces are clipped to the segment, so are these parts).
  const deferred = new Set<number>();
  for (const p of pieces) {
    if (renderable(layout, p, whole)) continue;
    const start = pieceStart(layout, p);
    const last = Math.floor((start + p.to - p.from - 1) / plan.partSize) + 1;
    for (let part = Math.floor(start / plan.partSize) + 1; part <= last; part++) deferred.add(part);
  }
  return { reads, wholeEntries: [...whole], deferredParts: [...deferred].sort((a, b) => a - b) };
}

/**
 * Every entry's CRC-32 from its ranges' CRCs, whichever segments read them.
 * Throws when the ranges of an entry do not cover its data exactly once,
 * in order: a segment's record is missing or stale.
 */
export function combineEntryCrcs(layout: StreamLayout, ranges: readonly RangeCrc[]): number[] {
  const byEntry = new Map<number, RangeCrc[]>();
  for (const r of ranges) {
    const list = byEntry.get(r.entry) ?? [];
    list.push(r);
    byEntry.set(r.entry, list);
  }
  return layout.entries.map((e, i) => {
    const list = (byEntry.get(i) ?? []).sort((a, b) => a.from - b.from);
    let crc = 0;
    let at = 0;
    for (const r of list) {
      if (r.from !== at || r.to <= r.from) throw new Error(`entry ${i}: its ranges do not cover its data in order (at ${at}, next ${r.from}-${r.to})`);
      crc = crc32Combine(crc, r.crc, r.to - r.from);
      at = r.to;
    }
    if (at !== e.size) throw new Error(`entry ${i}: ranges cover ${at} of its ${e.size} bytes`);
    return crc;
  });
}
