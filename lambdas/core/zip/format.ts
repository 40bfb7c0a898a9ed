/**
 * Binary encoders for the ZIP records (APPNOTE 6.3.x, little-endian). Sizes
 * come from layout.ts so predicted and written sizes agree by construction.
 */
import {
  CENTRAL_HEADER_FIXED,
  END_RECORD_SIZE,
  LOCAL_HEADER_FIXED,
  LOCAL_ZIP64_EXTRA_SIZE,
  MAX16,
  MAX32,
  ZIP64_END_RECORD_SIZE,
  ZIP64_LOCATOR_SIZE,
  centralZip64Fields,
  descriptorSize,
  localHeaderSize,
  needsZip64End,
} from './layout';
import { FLAG_DESCRIPTOR, FLAG_LOCAL_ZIP64, type CentralRecord, type MethodCode } from './records';

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_DESCRIPTOR = 0x08074b50;
const SIG_END = 0x06054b50;
const SIG_ZIP64_END = 0x06064b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EXTRA_ID = 0x0001;

const VERSION_DEFAULT = 20;
const VERSION_ZIP64 = 45;
/** Version made by: host 3 (Unix) in the high byte, so readers apply the mode in the external attributes. */
const HOST_UNIX = 3 << 8;
/** Regular file, rw-r--r--, in the high 16 bits (Unix st_mode). */
const EXTERNAL_ATTRS = ((0o100644 << 16) >>> 0);
/** Bit 11: name is UTF-8. Bit 3: CRC and sizes follow in a data descriptor. */
const GP_UTF8 = 0x0800;
const GP_DESCRIPTOR = 0x0008;

function putU64(buf: Buffer, value: number, pos: number): void {
  buf.writeUInt32LE(value % 0x100000000, pos);
  buf.writeUInt32LE(Math.floor(value / 0x100000000), pos + 4);
}

const clamp32 = (v: number): number => (v >= MAX32 ? MAX32 : v);

/** MS-DOS date and time (date in the high 16 bits), from UTC so the output does not depend on the host's time zone. */
export function dosDateTime(date: Date): number {
  const year = date.getUTCFullYear();
  if (year < 1980) return (1 << 21) | (1 << 16); // 1980-01-01 00:00:00, the earliest DOS can hold
  if (year > 2107) return ((127 << 25) | (12 << 21) | (31 << 16) | (23 << 11) | (59 << 5) | 29) >>> 0;
  const d = ((year - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate();
  const t = (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | (date.getUTCSeconds() >> 1);
  return ((d << 16) | t) >>> 0;
}

/** Version needed is 4.5 for any entry that has a ZIP64 extra in either header, 2.0 otherwise. */
function versionNeeded(flags: number, zip64Fields: number): number {
  return flags & FLAG_LOCAL_ZIP64 || zip64Fields > 0 ? VERSION_ZIP64 : VERSION_DEFAULT;
}

function generalPurpose(flags: number): number {
  return flags & FLAG_DESCRIPTOR ? GP_UTF8 | GP_DESCRIPTOR : GP_UTF8;
}

export interface LocalHeader {
  name: string;
  nameLength: number;
  method: MethodCode;
  dosDateTime: number;
  flags: number;
  headerOffset: number;
  /** Real values once known; zero as placeholders or under a data descriptor. */
  crc32: number;
  compressedSize: number;
  size: number;
}

/**
 * Local file header. With a ZIP64 extra, both 32-bit size fields hold
 * 0xFFFFFFFF and the extra holds both sizes (4.5.3 requires both in the
 * local header), even when one of them is small.
 */
export function encodeLocalHeader(h: LocalHeader): Buffer {
  const zip64 = (h.flags & FLAG_LOCAL_ZIP64) !== 0;
  const buf = Buffer.allocUnsafe(localHeaderSize(h.nameLength, zip64));
  buf.writeUInt32LE(SIG_LOCAL, 0);
  const offsetFields = h.headerOffset >= MAX32 ? 1 : 0; // keeps "version needed" equal to the central header's
  buf.writeUInt16LE(versionNeeded(h.flags, offsetFields), 4);
  buf.writeUInt16LE(generalPurpose(h.flags), 6);
  buf.writeUInt16LE(h.method, 8);
  buf.writeUInt32LE(h.dosDateTime, 10);
  buf.writeUInt32LE(h.crc32, 14);
  buf.writeUInt32LE(zip64 ? MAX32 : h.compressedSize, 18);
  buf.writeUInt32LE(zip64 ? MAX32 : h.size, 22);
  buf.writeUInt16LE(h.nameLength, 26);
  buf.writeUInt16LE(zip64 ? LOCAL_ZIP64_EXTRA_SIZE : 0, 28);
  buf.write(h.name, LOCAL_HEADER_FIXED, 'utf8');
  if (zip64) {
    const pos = LOCAL_HEADER_FIXED + h.nameLength;
    buf.writeUInt16LE(ZIP64_EXTRA_ID, pos);
    buf.writeUInt16LE(16, pos + 2);
    putU64(buf, h.size, pos + 4);
    putU64(buf, h.compressedSize, pos + 12);
  }
  return buf;
}

/** Data descriptor with its (optional but universal) signature; 8-byte sizes when the local header is ZIP64 (4.3.9.2). */
export function encodeDescriptor(crc32: number, compressedSize: number, size: number, zip64: boolean): Buffer {
  const buf = Buffer.allocUnsafe(descriptorSize(true, zip64));
  buf.writeUInt32LE(SIG_DESCRIPTOR, 0);
  buf.writeUInt32LE(crc32, 4);
  if (zip64) {
    putU64(buf, compressedSize, 8);
    putU64(buf, size, 16);
  } else {
    buf.writeUInt32LE(compressedSize, 8);
    buf.writeUInt32LE(size, 12);
  }
  return buf;
}

/**
 * Writes one central directory header at `pos` in `buf` (sized with
 * centralRecordSize) and returns the position after it. The ZIP64 extra
 * holds only the overflowing fields, in APPNOTE order.
 */
export function encodeCentralRecord(buf: Buffer, pos: number, record: CentralRecord, nameLength: number): number {
  const [name, method, crc32, compressedSize, size, headerOffset, dos, flags] = record;
  const fields = centralZip64Fields(size, compressedSize, headerOffset);
  const needed = versionNeeded(flags, fields);
  buf.writeUInt32LE(SIG_CENTRAL, pos);
  buf.writeUInt16LE(HOST_UNIX | needed, pos + 4);
  buf.writeUInt16LE(needed, pos + 6);
  buf.writeUInt16LE(generalPurpose(flags), pos + 8);
  buf.writeUInt16LE(method, pos + 10);
  buf.writeUInt32LE(dos, pos + 12);
  buf.writeUInt32LE(crc32, pos + 16);
  buf.writeUInt32LE(clamp32(compressedSize), pos + 20);
  buf.writeUInt32LE(clamp32(size), pos + 24);
  buf.writeUInt16LE(nameLength, pos + 28);
  buf.writeUInt16LE(fields > 0 ? 4 + 8 * fields : 0, pos + 30);
  buf.writeUInt32LE(0, pos + 32); // comment length, disk number start
  buf.writeUInt16LE(0, pos + 36); // internal attributes
  buf.writeUInt32LE(EXTERNAL_ATTRS, pos + 38);
  buf.writeUInt32LE(clamp32(headerOffset), pos + 42);
  let p = pos + CENTRAL_HEADER_FIXED;
  p += buf.write(name, p, 'utf8');
  if (fields > 0) {
    buf.writeUInt16LE(ZIP64_EXTRA_ID, p);
    buf.writeUInt16LE(8 * fields, p + 2);
    p += 4;
    for (const v of [size, compressedSize, headerOffset]) {
      if (v < MAX32) continue;
      putU64(buf, v, p);
      p += 8;
    }
  }
  return p;
}

/**
 * End of central directory, preceded by the ZIP64 end record and locator
 * only when a classic field overflows; only overflowing classic fields are
 * set to their "see ZIP64" value (4.4.1.4).
 */
export function encodeEndRecords(count: number, cdOffset: number, cdSize: number): Buffer {
  const zip64 = needsZip64End(count, cdOffset, cdSize);
  const buf = Buffer.alloc((zip64 ? ZIP64_END_RECORD_SIZE + ZIP64_LOCATOR_SIZE : 0) + END_RECORD_SIZE);
  let p = 0;
  if (zip64) {
    const zip64EndOffset = cdOffset + cdSize;
    buf.writeUInt32LE(SIG_ZIP64_END, 0);
    putU64(buf, ZIP64_END_RECORD_SIZE - 12, 4);
    buf.writeUInt16LE(HOST_UNIX | VERSION_ZIP64, 12);
    buf.writeUInt16LE(VERSION_ZIP64, 14);
    // disk numbers at 16 and 20 stay 0
    putU64(buf, count, 24);
    putU64(buf, count, 32);
    putU64(buf, cdSize, 40);
    putU64(buf, cdOffset, 48);
    buf.writeUInt32LE(SIG_ZIP64_LOCATOR, 56);
    putU64(buf, zip64EndOffset, 64);
    buf.writeUInt32LE(1, 72); // total number of disks
    p = ZIP64_END_RECORD_SIZE + ZIP64_LOCATOR_SIZE;
  }
  const count16 = count >= MAX16 ? MAX16 : count;
  buf.writeUInt32LE(SIG_END, p);
  buf.writeUInt16LE(count16, p + 8);
  buf.writeUInt16LE(count16, p + 10);
  buf.writeUInt32LE(clamp32(cdSize), p + 12);
  buf.writeUInt32LE(clamp32(cdOffset), p + 16);
  return buf;
}
