/**
 * Archive size from the entry list alone, with the same layout rules the
 * writer follows: exact for STORE entries, an upper bound when DEFLATE
 * entries are present (their compressed size is taken at its worst case).
 * Assumes every entry's size is announced to the writer (meta.size).
 */
import {
  centralRecordSize,
  descriptorSize,
  endRecordsSize,
  localHeaderSize,
  localUsesZip64,
  maxCompressedSize,
  nameLength,
  type ZipMethod,
} from './layout';

export interface PlannedEntry {
  name: string;
  size: number;
  method: ZipMethod;
}

export interface PredictOptions {
  /** Whether the writer's sink can patch (no data descriptors then). */
  patching: boolean;
}

export function predictZipSize(entries: Iterable<PlannedEntry>, { patching }: PredictOptions): number {
  let offset = 0;
  let cdSize = 0;
  let count = 0;
  for (const { name, size, method } of entries) {
    const len = nameLength(name);
    const zip64 = localUsesZip64(method, size);
    const compressed = maxCompressedSize(method, size);
    cdSize += centralRecordSize(len, size, compressed, offset);
    offset += localHeaderSize(len, zip64) + compressed + descriptorSize(!patching, zip64);
    count++;
  }
  return offset + cdSize + endRecordsSize(count, offset, cdSize);
}
