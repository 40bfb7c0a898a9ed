/**
 * The fixed layout of an archive of STORE entries whose sizes are known
 * before a byte is fetched, exactly as ZipWriter writes it, so every offset,
 * the total length, and any byte range can be computed without writing the
 * archive (the idea of client-zip's predictLength, on our own layout rules).
 * Two forms: to a sink that cannot patch (stream downloads) each entry is a
 * local header (CRC and sizes left zero), its data and a data descriptor;
 * to a patching sink (a multipart upload) the local header carries the real
 * CRC and sizes and there is no descriptor. Then the central directory.
 * Only descriptors, patched headers and central records need a CRC-32.
 */
import { encodeCentralRecord, encodeDescriptor, encodeEndRecords, encodeLocalHeader } from './format';
import { centralRecordSize, descriptorSize, endRecordsSize, localHeaderSize, localUsesZip64, nameLength } from './layout';
import { FLAG_DESCRIPTOR, FLAG_LOCAL_ZIP64, METHOD_STORE, type CentralRecord } from './records';

export interface StreamEntry {
  readonly name: string;
  readonly size: number;
  /** MS-DOS date and time, pinned so every download has the same bytes. */
  readonly dosDateTime: number;
}

export interface StreamLayout {
  readonly entries: readonly StreamEntry[];
  /** Per entry: local header offset, data offset, descriptor offset (one after another). */
  readonly headerOffsets: Float64Array;
  readonly dataOffsets: Float64Array;
  readonly descriptorOffsets: Float64Array;
  /** Per entry: its central record's offset in the archive; one more slot holds the end of the central directory. */
  readonly centralOffsets: Float64Array;
  readonly cdOffset: number;
  readonly cdSize: number;
  readonly total: number;
  /** The patching sink's form: real CRC and sizes in local headers, no descriptors. */
  readonly patched: boolean;
}

export interface LayoutOptions {
  /** Lay out what ZipWriter writes to a patching sink (default: to a sink that cannot patch). */
  readonly patched?: boolean;
}

/** One part of the archive a byte range overlaps, clipped: `[from, to)` are offsets inside the part. */
export type Piece =
  | { readonly kind: 'header'; readonly entry: number; readonly from: number; readonly to: number }
  | { readonly kind: 'data'; readonly entry: number; readonly from: number; readonly to: number }
  | { readonly kind: 'descriptor'; readonly entry: number; readonly from: number; readonly to: number }
  | { readonly kind: 'central'; readonly from: number; readonly to: number }
  | { readonly kind: 'end'; readonly from: number; readonly to: number };

const isZip64 = (size: number): boolean => localUsesZip64('store', size);
const flagsOf = (layout: Pick<StreamLayout, 'patched'>, size: number): number => (isZip64(size) ? FLAG_LOCAL_ZIP64 : 0) | (layout.patched ? 0 : FLAG_DESCRIPTOR);

export function streamLayout(entries: readonly StreamEntry[], { patched = false }: LayoutOptions = {}): StreamLayout {
  const n = entries.length;
  const headerOffsets = new Float64Array(n);
  const dataOffsets = new Float64Array(n);
  const descriptorOffsets = new Float64Array(n);
  const centralOffsets = new Float64Array(n + 1);
  let offset = 0;
  entries.forEach((e, i) => {
    const zip64 = isZip64(e.size);
    headerOffsets[i] = offset;
    dataOffsets[i] = offset + localHeaderSize(nameLength(e.name), zip64);
    descriptorOffsets[i] = dataOffsets[i]! + e.size;
    offset = descriptorOffsets[i]! + descriptorSize(!patched, zip64);
  });
  const cdOffset = offset;
  entries.forEach((e, i) => {
    centralOffsets[i] = offset;
    offset += centralRecordSize(nameLength(e.name), e.size, e.size, headerOffsets[i]!);
  });
  centralOffsets[n] = offset;
  const cdSize = offset - cdOffset;
  return { entries, headerOffsets, dataOffsets, descriptorOffsets, centralOffsets, cdOffset, cdSize, total: offset + endRecordsSize(n, cdOffset, cdSize), patched };
}

/** Index of the last element of `offsets` (first `count`) that is ≤ `at`; -1 if none. */
function lastAtOrBefore(offsets: Float64Array, count: number, at: number): number {
  let lo = 0;
  let hi = count - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (offsets[mid]! <= at) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The parts that bytes `[start, end)` of the archive overlap, in order. */
export function piecesIn(layout: StreamLayout, start: number, end: number): Piece[] {
  if (!(start >= 0 && start <= end && end <= layout.total)) throw new RangeError(`range ${start}-${end} outside 0-${layout.total}`);
  const out: Piece[] = [];
  const clip = (partStart: number, partEnd: number): { from: number; to: number } | undefined => {
    const from = Math.max(start, partStart);
    const to = Math.min(end, partEnd);
    return from < to ? { from: from - partStart, to: to - partStart } : undefined;
  };
  const n = layout.entries.length;
  for (let i = Math.max(0, lastAtOrBefore(layout.headerOffsets, n, start)); i < n && layout.headerOffsets[i]! < end; i++) {
    const header = clip(layout.headerOffsets[i]!, layout.dataOffsets[i]!);
    if (header) out.push({ kind: 'header', entry: i, ...header });
    const data = clip(layout.dataOffsets[i]!, layout.descriptorOffsets[i]!);
    if (data) out.push({ kind: 'data', entry: i, ...data });
    const descriptor = clip(layout.descriptorOffsets[i]!, i + 1 < n ? layout.headerOffsets[i + 1]! : layout.cdOffset);
    if (descriptor) out.push({ kind: 'descriptor', entry: i, ...descriptor });
  }
  const central = clip(layout.cdOffset, layout.cdOffset + layout.cdSize);
  if (central) out.push({ kind: 'central', ...central });
  const endRecords = clip(layout.cdOffset + layout.cdSize, layout.total);
  if (endRecords) out.push({ kind: 'end', ...endRecords });
  return out;
}

/** Where a piece's first byte is in the archive. */
export function pieceStart(layout: StreamLayout, piece: Piece): number {
  switch (piece.kind) {
    case 'header':
      return layout.headerOffsets[piece.entry]! + piece.from;
    case 'data':
      return layout.dataOffsets[piece.entry]! + piece.from;
    case 'descriptor':
      return layout.descriptorOffsets[piece.entry]! + piece.from;
    case 'central':
      return layout.cdOffset + piece.from;
    default:
      return layout.cdOffset + layout.cdSize + piece.from;
  }
}

/** Entries whose central records bytes `[from, to)` of the central directory overlap. */
export function centralEntriesIn(layout: StreamLayout, from: number, to: number): { first: number; last: number } | undefined {
  const n = layout.entries.length;
  if (from >= to || n === 0) return undefined;
  const first = Math.max(0, lastAtOrBefore(layout.centralOffsets, n, layout.cdOffset + from));
  const last = lastAtOrBefore(layout.centralOffsets, n, layout.cdOffset + to - 1);
  return { first, last };
}

/**
 * Entries whose CRC-32 the pieces need (descriptors and central records),
 * less those whose whole data the same pieces carry earlier: their CRC is
 * computed on the way.
 */
export function crcsNeeded(layout: StreamLayout, pieces: readonly Piece[]): number[] {
  const streamed = new Set<number>();
  const needed = new Set<number>();
  for (const p of pieces) {
    if (p.kind === 'header' && layout.patched) needed.add(p.entry);
    if (p.kind === 'data' && p.from === 0 && p.to === layout.entries[p.entry]!.size) streamed.add(p.entry);
    if (p.kind === 'descriptor' && !streamed.has(p.entry)) needed.add(p.entry);
    if (p.kind === 'central') {
      const span = centralEntriesIn(layout, p.from, p.to);
      for (let i = span?.first ?? 0; span && i <= span.last; i++) if (!streamed.has(i)) needed.add(i);
    }
  }
  // An entry with no data has the CRC of nothing.
  return [...needed].filter((i) => layout.entries[i]!.size > 0).sort((a, b) => a - b);
}

/** CRC-32 by entry index; the caller must know every one the piece needs. */
export type CrcOf = (entry: number) => number;

function centralRecord(layout: StreamLayout, i: number, crc: number): CentralRecord {
  const e = layout.entries[i]!;
  return [e.name, METHOD_STORE, crc, e.size, e.size, layout.headerOffsets[i]!, e.dosDateTime, flagsOf(layout, e.size)];
}

/** The bytes of a piece that is not entry data. */
export function renderPiece(layout: StreamLayout, piece: Exclude<Piece, { kind: 'data' }>, crcOf: CrcOf): Buffer {
  switch (piece.kind) {
    case 'header': {
      const e = layout.entries[piece.entry]!;
      const header = encodeLocalHeader({
        name: e.name,
        nameLength: nameLength(e.name),
        method: METHOD_STORE,
        dosDateTime: e.dosDateTime,
        flags: flagsOf(layout, e.size),
        headerOffset: layout.headerOffsets[piece.entry]!,
        crc32: layout.patched ? crcOf(piece.entry) : 0,
        compressedSize: layout.patched ? e.size : 0,
        size: layout.patched ? e.size : 0,
      });
      return header.subarray(piece.from, piece.to);
    }
    case 'descriptor': {
      const e = layout.entries[piece.entry]!;
      return encodeDescriptor(crcOf(piece.entry), e.size, e.size, isZip64(e.size)).subarray(piece.from, piece.to);
    }
    case 'central': {
      const span = centralEntriesIn(layout, piece.from, piece.to)!;
      const base = layout.centralOffsets[span.first]!;
      const buf = Buffer.allocUnsafe(layout.centralOffsets[span.last + 1]! - base);
      let pos = 0;
      for (let i = span.first; i <= span.last; i++) {
        pos = encodeCentralRecord(buf, pos, centralRecord(layout, i, crcOf(i)), nameLength(layout.entries[i]!.name));
      }
      const skip = layout.cdOffset + piece.from - base;
      return buf.subarray(skip, skip + piece.to - piece.from);
    }
    case 'end':
      return encodeEndRecords(layout.entries.length, layout.cdOffset, layout.cdSize).subarray(piece.from, piece.to);
    default:
      throw new TypeError('renderPiece: unknown piece');
  }
}
