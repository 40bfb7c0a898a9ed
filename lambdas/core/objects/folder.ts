/**
 * Folder expansion: every object below a storage prefix, recursively, page
 * by page (the lister is handed in), in key order, without folder markers.
 * It stops with an error past `max` objects, so a job never grows beyond
 * what its plan allows however big the folder is.
 */
import { isFolderMarker } from './paket';

export interface ListedObject {
  readonly key: string;
  readonly size: number;
  readonly last_modified: string;
  readonly etag?: string;
}

export interface ListPage {
  readonly objects: readonly ListedObject[];
  /** The storage's continuation token; absent on the last page. */
  readonly next?: string;
}

export type ListFn = (prefix: string, token: string | undefined) => Promise<ListPage>;

export class FolderTooLargeError extends Error {
  override readonly name = 'FolderTooLarge';
}

export async function* expandFolder(list: ListFn, prefix: string, max: number): AsyncGenerator<ListedObject> {
  let token: string | undefined;
  let count = 0;
  const seen = new Set<string>();
  do {
    const page = await list(prefix, token);
    for (const object of page.objects) {
      // A storage that repeats a key across pages (or strays outside the prefix) adds nothing.
      if (!object.key.startsWith(prefix) || isFolderMarker(object.key) || seen.has(object.key)) continue;
      seen.add(object.key);
      if (++count > max) throw new FolderTooLargeError(`holds more than ${max} objects`);
      yield object;
    }
    if (page.next !== undefined && page.next === token) throw new Error('the storage listing did not advance');
    token = page.next;
  } while (token !== undefined);
}
