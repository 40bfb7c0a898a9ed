/**
 * The writer's state as plain, JSON-able data: one compact tuple per written
 * entry (70,000 of them must stay small in memory and in a checkpoint), and
 * the checkpoint that carries them between Lambda runs.
 */

/** Record flag: the local header carries a ZIP64 extra (version needed 4.5). */
export const FLAG_LOCAL_ZIP64 = 1;
/** Record flag: general-purpose bit 3 is set and a data descriptor follows the data. */
export const FLAG_DESCRIPTOR = 2;

export const METHOD_STORE = 0;
export const METHOD_DEFLATE = 8;
export type MethodCode = typeof METHOD_STORE | typeof METHOD_DEFLATE;

/** Everything the central directory needs for one entry. */
export type CentralRecord = readonly [
  name: string,
  method: MethodCode,
  crc32: number,
  compressedSize: number,
  size: number,
  headerOffset: number,
  dosDateTime: number,
  flags: number,
];

/**
 * A STORE entry whose bytes are partly written: resuming needs only where
 * its header is, how many bytes are done and the running CRC-32; the rest
 * of the source is re-read from `bytesDone` (HTTP Range).
 */
export interface EntryInProgress {
  name: string;
  /** Announced uncompressed size, if any (still enforced after resume). */
  size?: number;
  maxBytes?: number;
  dosDateTime: number;
  flags: number;
  headerOffset: number;
  /** Uncompressed bytes taken from the source so far. */
  bytesDone: number;
  crc32: number;
  /** METHOD_DEFLATE for a DEFLATE entry; absent for STORE. */
  method?: MethodCode;
  /** DEFLATE: bytes of deflate output written so far, and pauses so far. */
  compressedSize?: number;
  pauses?: number;
}

export interface ZipCheckpoint {
  v: 1;
  /** Bytes written so far; the resumed sink must be positioned here. */
  offset: number;
  /** Central-directory records of the entries written so far, in order. */
  entries: CentralRecord[];
  /** Present when taken while an entry was paused mid-file. */
  current?: EntryInProgress;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function isRecord(r: unknown): r is CentralRecord {
  return (
    Array.isArray(r) &&
    r.length === 8 &&
    typeof r[0] === 'string' &&
    (r[1] === METHOD_STORE || r[1] === METHOD_DEFLATE) &&
    r.slice(2).every(isCount)
  );
}

function isInProgress(c: unknown): c is EntryInProgress {
  if (typeof c !== 'object' || c === null) return false;
  const e = c as Record<string, unknown>;
  return (
    typeof e.name === 'string' &&
    (e.size === undefined || isCount(e.size)) &&
    (e.maxBytes === undefined || isCount(e.maxBytes)) &&
    [e.dosDateTime, e.flags, e.headerOffset, e.bytesDone, e.crc32].every(isCount) &&
    (e.method === undefined || e.method === METHOD_STORE || (e.method === METHOD_DEFLATE && isCount(e.compressedSize) && isCount(e.pauses)))
  );
}

/** Checks the shape of a checkpoint read back from storage; throws a TypeError if it is not one. */
export function assertCheckpoint(value: unknown): asserts value is ZipCheckpoint {
  const cp = value as Partial<ZipCheckpoint> | null;
  const ok =
    typeof cp === 'object' &&
    cp !== null &&
    cp.v === 1 &&
    isCount(cp.offset) &&
    Array.isArray(cp.entries) &&
    cp.entries.every(isRecord) &&
    (cp.current === undefined || isInProgress(cp.current));
  if (!ok) throw new TypeError('not a ZIP writer checkpoint (v1)');
}
