/** What Prepare knows of each file before packing: its probed size and the method to budget for. */
import { chooseMethod } from '../compression';
import type { RequestedFile } from '../jobs/create-request';
import type { PackItem } from './pack';

export type Compression = 'auto' | 'store' | 'deflate';

/** A probe's outcome: the size when the server told it, or a failure (the GET in BuildZip will tell more). */
export type ProbeOutcome = { readonly ok: true; readonly size?: number } | { readonly ok: false };

/**
 * The packer's view of one file. The method is budgeted at its worst case
 * whenever it is not certain: with `auto` and no client filename, the entry's
 * name (and so the method chooseMethod picks) is decided by the GET's
 * Content-Disposition or final URL, which the probe cannot promise.
 */
export function packItemFor(index: number, file: RequestedFile, outcome: ProbeOutcome, compression: Compression): PackItem {
  const certain = compression !== 'auto' || file.filename !== null;
  const method = certain ? chooseMethod(compression, file.filename?.normalize('NFC') ?? '') : 'deflate';
  return {
    index,
    method,
    url: file.url,
    ...(file.filename !== null && { name: file.filename }),
    ...(outcome.ok && outcome.size !== undefined && { size: outcome.size }),
    ...(!outcome.ok && { probeFailed: true }),
  };
}
