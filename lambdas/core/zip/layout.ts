/**
 * The sizes and ZIP64 decisions of every record, as pure functions. The
 * writer encodes with these and `predictZipSize` adds them up, so the two
 * cannot drift apart. References are to PKWARE APPNOTE 6.3.x.
 */

/** Largest value a 32-bit field holds; the value itself means "see ZIP64" (4.4.8). */
export const MAX32 = 0xffffffff;
/** Same for 16-bit counts (4.4.21): 0xFFFF entries already needs ZIP64. */
export const MAX16 = 0xffff;

export const LOCAL_HEADER_FIXED = 30;
export const CENTRAL_HEADER_FIXED = 46;
export const END_RECORD_SIZE = 22;
export const ZIP64_END_RECORD_SIZE = 56;
export const ZIP64_LOCATOR_SIZE = 20;
/** Local ZIP64 extra: id, length, uncompressed and compressed sizes (both required there, 4.5.3). */
export const LOCAL_ZIP64_EXTRA_SIZE = 20;

export type ZipMethod = 'store' | 'deflate';

/**
 * A DEFLATE entry may pause (to resume in a later run) once per this many
 * input bytes, and at most DEFLATE_MAX_PAUSES times: each pause ends a
 * deflate segment with a full flush, which deflateBound budgets for, so a
 * small file (which never needs to pause) keeps zlib's own bound.
 */
export const DEFLATE_BYTES_PER_PAUSE = 1024 * 1024;
export const DEFLATE_MAX_PAUSES = 64;
/**
 * Output one pause may add beyond zlib's bound for the whole input: the full
 * flush's empty stored block (≤ 6 bytes, with its alignment), one more
 * partial stored block where the segments meet (5), the bound's rounding and
 * constant per segment (≤ 10); 32 covers them.
 */
export const DEFLATE_PAUSE_OVERHEAD = 32;

/** Pauses a DEFLATE entry may have taken once `bytesDone` of its input are in. */
export function deflatePausesAllowed(bytesDone: number): number {
  return Math.min(DEFLATE_MAX_PAUSES, Math.floor(bytesDone / DEFLATE_BYTES_PER_PAUSE));
}

/**
 * Upper bound of raw deflate output for `size` input bytes: zlib's own
 * `deflateBound` for the default windowBits 15 / memLevel 8 (which the
 * writer pins), the stored-block fallback (at most 5 bytes of block header
 * per 16 KiB block plus a small constant for the final block), plus what the
 * entry's pauses may add.
 */
export function deflateBound(size: number): number {
  const zlibBound = size + Math.floor(size / 4096) + Math.floor(size / 16384) + Math.floor(size / 33554432) + 7;
  return zlibBound + deflatePausesAllowed(size) * DEFLATE_PAUSE_OVERHEAD;
}

/** Worst-case bytes of entry data for an entry of `size` uncompressed bytes. */
export function maxCompressedSize(method: ZipMethod, size: number): number {
  return method === 'store' ? size : deflateBound(size);
}

/**
 * Whether the local header carries a ZIP64 extra. Decided before any data is
 * written: unknown size, or sizes that may reach 4 GiB. Streaming readers
 * (bsdtar) learn from this extra that a data descriptor has 64-bit sizes.
 */
export function localUsesZip64(method: ZipMethod, size: number | undefined): boolean {
  return size === undefined || maxCompressedSize(method, size) >= MAX32;
}

export function localHeaderSize(nameLength: number, zip64: boolean): number {
  return LOCAL_HEADER_FIXED + nameLength + (zip64 ? LOCAL_ZIP64_EXTRA_SIZE : 0);
}

/** Data descriptor with signature (4.3.9): 64-bit sizes when the local header is ZIP64. */
export function descriptorSize(hasDescriptor: boolean, zip64: boolean): number {
  if (!hasDescriptor) return 0;
  return zip64 ? 24 : 16;
}

/** Number of 8-byte fields the central ZIP64 extra needs: only those that overflow (4.5.3). */
export function centralZip64Fields(size: number, compressedSize: number, headerOffset: number): number {
  return (size >= MAX32 ? 1 : 0) + (compressedSize >= MAX32 ? 1 : 0) + (headerOffset >= MAX32 ? 1 : 0);
}

export function centralRecordSize(nameLength: number, size: number, compressedSize: number, headerOffset: number): number {
  const fields = centralZip64Fields(size, compressedSize, headerOffset);
  return CENTRAL_HEADER_FIXED + nameLength + (fields > 0 ? 4 + 8 * fields : 0);
}

/** ZIP64 end records are written only when a classic end-record field would overflow. */
export function needsZip64End(count: number, cdOffset: number, cdSize: number): boolean {
  return count >= MAX16 || cdOffset >= MAX32 || cdSize >= MAX32;
}

export function endRecordsSize(count: number, cdOffset: number, cdSize: number): number {
  const zip64 = needsZip64End(count, cdOffset, cdSize);
  return END_RECORD_SIZE + (zip64 ? ZIP64_END_RECORD_SIZE + ZIP64_LOCATOR_SIZE : 0);
}

/** Byte length of a name as stored (always UTF-8, flag bit 11). */
export function nameLength(name: string): number {
  return Buffer.byteLength(name, 'utf8');
}
