/**
 * The byte budget of one entry and of one archive, as the packer counts them.
 * Every figure is an upper bound of what the ZIP writer really writes for that
 * entry, whatever BuildZip learns only at fetch time (the entry's final name,
 * whether the GET announces a length), so a bin whose budget fits the cap
 * yields a ZIP that fits the cap. Record sizes come from the writer's own
 * layout functions, so the two cannot drift apart.
 */
import {
  MAX16,
  MAX32,
  centralRecordSize,
  descriptorSize,
  endRecordsSize,
  localHeaderSize,
  maxCompressedSize,
  type ZipMethod,
} from '../zip/layout';

/**
 * Longest name, in UTF-8 bytes, that naming gives an entry without a client
 * filename (Content-Disposition or URL, sanitised and capped: MAX_BYTES in
 * core/naming/entry-names.ts). Such a name is one path segment.
 */
export const DERIVED_NAME_MAX_BYTES = 255;

/** End records at their largest: the ZIP64 end record and locator are budgeted in every bin (76 bytes). */
export const ARCHIVE_OVERHEAD = endRecordsSize(MAX16, MAX32, MAX32);

export interface BudgetContext {
  /** max_zip_size_bytes. */
  readonly cap: number;
  /** Files in the job: bounds the dedupe suffix. */
  readonly fileCount: number;
  /** Whether BuildZip's sink patches local headers (then no data descriptors are written). */
  readonly patching: boolean;
}

/**
 * Name budget rule. De-duplication (core/naming/dedupe.ts) may rename each
 * path segment once, inserting ` (k)`; within one ZIP every k it tries is
 * taken by a distinct earlier entry, so k ≤ the ZIP's entry count ≤ the
 * job's file count, and the suffix costs at most 3 + digits(fileCount) bytes.
 * - client filename: its NFC UTF-8 bytes + one suffix per path segment;
 * - otherwise: DERIVED_NAME_MAX_BYTES + one suffix (the name is not known
 *   before the GET: Content-Disposition may decide it).
 */
export function nameBudget(clientFilename: string | undefined, fileCount: number): number {
  const suffix = 3 + String(Math.max(1, Math.floor(fileCount))).length;
  if (clientFilename === undefined) return DERIVED_NAME_MAX_BYTES + suffix;
  // ASCII is its own NFC and one byte a character: the common case skips normalising.
  const nfc = ASCII.test(clientFilename) ? clientFilename : clientFilename.normalize('NFC');
  let segments = 1;
  for (let i = nfc.indexOf('/'); i >= 0; i = nfc.indexOf('/', i + 1)) segments++;
  return Buffer.byteLength(nfc, 'utf8') + segments * suffix;
}

const ASCII = /^[\x00-\x7f]*$/;

/**
 * Worst-case bytes one entry adds to an archive: local header with a ZIP64
 * extra (the writer adds one whenever the GET announces no length), data at
 * its worst case (deflateBound for DEFLATE), a data descriptor only when the
 * sink cannot patch, and a central record whose ZIP64 extra holds the sizes
 * that may overflow plus the header offset whenever a bin may pass 4 GiB.
 */
export function entryBudget(size: number, method: ZipMethod, nameBytes: number, ctx: Pick<BudgetContext, 'cap' | 'patching'>): number {
  const data = maxCompressedSize(method, size);
  const offset = ctx.cap > MAX32 ? MAX32 : 0;
  return localHeaderSize(nameBytes, true) + data + descriptorSize(!ctx.patching, true) + centralRecordSize(nameBytes, size, data, offset);
}

/**
 * Largest source size an entry may have so that the archive, which has
 * `committed` bytes before it (ZipWriter.committedBytes), stays within the
 * cap with this entry and its end records; -1 when even an empty entry does
 * not fit. BuildZip uses it to cut a source off ("too large") before the
 * ZIP would pass the plan's per-archive size, and for a file of unknown size
 * that must not break a split job's cap (`committed` 0: a ZIP of its own).
 */
export function payloadLimit(method: ZipMethod, nameBytes: number, ctx: Pick<BudgetContext, 'cap' | 'patching'>, committed = 0): number {
  const fits = (size: number) => committed + entryBudget(size, method, nameBytes, ctx) + ARCHIVE_OVERHEAD <= ctx.cap;
  if (!fits(0)) return -1;
  let lo = 0; // fits
  let hi = Math.max(1, ctx.cap - committed); // never fits: the data alone is ≥ the room left
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** payloadLimit of an entry alone in its ZIP. */
export const lonePayloadLimit = (method: ZipMethod, nameBytes: number, ctx: Pick<BudgetContext, 'cap' | 'patching'>): number =>
  payloadLimit(method, nameBytes, ctx, 0);
