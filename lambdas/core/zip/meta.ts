/** What the caller says about an entry, and the checks made before any byte is written. */
import { EntryTooLargeError } from './errors';
import { MAX16, nameLength, type ZipMethod } from './layout';

export interface ZipEntryMeta {
  /** Entry path, UTF-8, already sanitised by the caller. */
  name: string;
  method: ZipMethod;
  /** Uncompressed size when known in advance (Content-Length); the source must then send exactly this many bytes. */
  size?: number;
  mtime: Date;
  /** A source that sends more is cut off and the entry aborted with EntryTooLargeError ("too large"). */
  maxBytes?: number;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * Throws a TypeError for malformed meta, or EntryTooLargeError when the
 * announced size already exceeds maxBytes; returns the name's byte length.
 * Nothing has been written when these throw, so the writer stays usable.
 */
export function validateMeta({ name, method, size, maxBytes, mtime }: ZipEntryMeta): number {
  if (typeof name !== 'string' || name.length === 0) throw new TypeError('entry name must be a non-empty string');
  const len = nameLength(name);
  if (len > MAX16) throw new TypeError('entry name is longer than 65,535 bytes');
  if (method !== 'store' && method !== 'deflate') throw new TypeError(`unknown method: ${String(method)}`);
  if (size !== undefined && !isCount(size)) throw new TypeError('size must be a non-negative integer');
  if (maxBytes !== undefined && !isCount(maxBytes)) throw new TypeError('maxBytes must be a non-negative integer');
  if (!(mtime instanceof Date) || Number.isNaN(mtime.getTime())) throw new TypeError('mtime must be a valid Date');
  if (size !== undefined && maxBytes !== undefined && size > maxBytes) throw new EntryTooLargeError(name, maxBytes);
  return len;
}
