/** What Prepare knows of each file before packing: its probed size and the method to budget for. */
import { chooseMethod } from '../compression';
import { safeClientPath } from '../naming/entry-names';
import type { RequestedFile } from '../jobs/create-request';
import type { PackItem } from './pack';

export type Compression = 'auto' | 'store' | 'deflate';

/** A probe's outcome: the size when the server told it, or a failure (the GET in BuildZip will tell more). */
export type ProbeOutcome =
  | {
      readonly ok: true;
      readonly size?: number;
      /** What a stream job pins: the name the server gave, the final URL, the validators and Range support. */
      readonly filename?: string;
      readonly url?: string;
      readonly etag?: string;
      readonly last_modified?: string;
      readonly accepts_ranges?: boolean;
    }
  | { readonly ok: false; readonly error?: string };

/**
 * The packer's view of one file. The method is budgeted at its worst case
 * whenever it is not certain: with `auto` and no client filename, the entry's
 * name (and so the method chooseMethod picks) is decided by the GET's
 * Content-Disposition or final URL, which the probe cannot promise.
 */
export function packItemFor(index: number, file: RequestedFile, outcome: ProbeOutcome, compression: Compression): PackItem {
  // The name BuildZip will give it (before de-duplication), so its method and bytes are budgeted as written.
  const name = file.filename === null ? undefined : safeClientPath(file.filename);
  const certain = compression !== 'auto' || name !== undefined;
  const method = certain ? chooseMethod(compression, name ?? '') : 'deflate';
  return {
    index,
    method,
    url: file.url,
    ...(name !== undefined && { name }),
    ...(outcome.ok && outcome.size !== undefined && { size: outcome.size }),
    ...(!outcome.ok && { probeFailed: true }),
  };
}
