/**
 * A byte range of a stream ZIP whose layout is exact: headers, end records
 * and the central directory are rendered from the layout, entry data is
 * fetched as just the source bytes the range needs, and every CRC-32 a
 * descriptor or central record needs is known before the first byte: from
 * the job's cache, from entry data this range carries whole (computed on the
 * way), or else by reading the entry in full first.
 */
import { crc32 } from 'node:zlib';
import type { Bin } from '../../core/jobs/model';
import { mapConcurrent } from '../../core/packing';
import { crcsNeeded, piecesIn, renderPiece, type Piece, type StreamLayout } from '../../core/zip';
import type { PinnedBody } from '../../core/fetch';
import type { CrcCache } from './crc-cache';
import { checkStoredObjects, entryCrc, openEntryRange, type StreamFetchOptions } from './sources';

/** Entries read at once to learn their CRCs. */
const CRC_CONCURRENCY = 4;
/** The central directory is rendered in slices of this size, so 70,000 records never need one buffer. */
const CENTRAL_SLICE = 1 << 20;

type DataPiece = Extract<Piece, { kind: 'data' }>;

function* centralSlices(piece: Extract<Piece, { kind: 'central' }>): Generator<Extract<Piece, { kind: 'central' }>> {
  for (let from = piece.from; from < piece.to; from += CENTRAL_SLICE) yield { kind: 'central', from, to: Math.min(piece.to, from + CENTRAL_SLICE) };
}

/**
 * Everything that can fail before a byte is sent happens here (learning
 * CRCs, opening the first source): a failure throws SourceError, and the
 * caller answers 502. The returned body fails only mid-transfer.
 */
export async function exactBody(
  options: StreamFetchOptions,
  bin: Bin,
  layout: StreamLayout,
  start: number,
  end: number,
  crcs: CrcCache,
): Promise<AsyncIterable<Buffer>> {
  const pieces = piecesIn(layout, start, end);
  await checkStoredObjects(options, [...new Set(pieces.flatMap((p) => (p.kind === 'data' ? [p.entry] : [])))].map((i) => bin.entries[i]!));
  const missing = crcsNeeded(layout, pieces).filter((i) => crcs.get(i) === undefined);
  await mapConcurrent(missing, CRC_CONCURRENCY, async (i) => crcs.learn(i, await entryCrc(options, bin.entries[i]!)));
  if (missing.length > 0) await crcs.save().catch(() => undefined); // a cache only: the next download learns them again
  const open = (p: DataPiece) => openEntryRange(options, bin.entries[p.entry]!, p.from, p.to);
  const firstData = pieces.find((p): p is DataPiece => p.kind === 'data');
  const first = firstData && (await open(firstData));
  const crcOf = (i: number): number => (layout.entries[i]!.size === 0 ? 0 : crcs.get(i)!);

  return (async function* () {
    let pending: PinnedBody | undefined = first;
    try {
      for (const p of pieces) {
        if (p.kind === 'data') {
          const source: PinnedBody = p === firstData ? first! : await open(p);
          pending = source;
          const whole = p.from === 0 && p.to === layout.entries[p.entry]!.size;
          let crc = 0;
          for await (const chunk of source.body) {
            if (whole) crc = crc32(chunk, crc);
            yield chunk;
          }
          pending = undefined;
          if (whole) crcs.learn(p.entry, crc);
        } else if (p.kind === 'central') {
          for (const slice of centralSlices(p)) yield renderPiece(layout, slice, crcOf);
        } else {
          yield renderPiece(layout, p, crcOf);
        }
      }
    } finally {
      pending?.close();
      await crcs.save().catch(() => undefined);
    }
  })();
}
