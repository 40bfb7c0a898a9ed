/** The streaming ZIP writer: public surface. */
export { ZipWriter, type EntryControl, type EntryResult, type ZipEntryMeta, type ZipWriterOptions } from './writer';
export { EntryAbortedError, EntrySizeMismatchError, EntryTooLargeError, ZipWriterBrokenError } from './errors';
export { predictZipSize, type PlannedEntry, type PredictOptions } from './predict';
export { deflateBound, maxCompressedSize, nameLength, type ZipMethod } from './layout';
export { assertCheckpoint, type CentralRecord, type EntryInProgress, type ZipCheckpoint } from './records';
export type { ByteSource } from './deflate';
export type { PartUploads, ResumableSinkState, ResumableZipSink, ZipSink } from './sink';
export { centralEntriesIn, crcsNeeded, pieceStart, piecesIn, renderPiece, streamLayout, type CrcOf, type Piece, type LayoutOptions, type StreamEntry, type StreamLayout } from './stream-layout';
export { dosDateTime } from './format';
export { crc32Combine, crc32CombineAll } from './crc32-combine';
export { combineEntryCrcs, partBounds, planSegments, segmentCount, segmentWork, type EntryRange, type RangeCrc, type Segment, type SegmentLimits, type SegmentPlan, type SegmentWork } from './segments';
