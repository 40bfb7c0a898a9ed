/**
 * Where a paket's objects are: paket paths (`/dir/a.pdf`) ↔ storage keys
 * under the paket's prefix, and `s3://<bucket_name>/<key>` locators.
 */

/** `prefix` as stored: '' or `a/b/` (no leading slash, one trailing slash). */
export function normalizePrefix(prefix: string | undefined): string {
  const segments = (prefix ?? '').split('/').filter((s) => s !== '');
  return segments.length === 0 ? '' : `${segments.join('/')}/`;
}

/** The storage key of paket path `/dir/a.pdf` (already normalised). */
export function paketKey(prefix: string, path: string): string {
  return prefix + path.replace(/^\/+/, '');
}

/** The storage prefix listing a paket folder `/dir` (or the paket's root for `/`). */
export function folderKeyPrefix(prefix: string, folder: string): string {
  const inner = folder.replace(/^\/+|\/+$/g, '');
  return inner === '' ? prefix : `${prefix}${inner}/`;
}

/** The paket path of a storage key under the prefix (`/dir/a.pdf`); undefined outside it. */
export function paketPath(prefix: string, key: string): string | undefined {
  if (!key.startsWith(prefix)) return undefined;
  return `/${key.slice(prefix.length)}`;
}

/** A key that only marks a folder (`dir/`, made by consoles), which holds no file. */
export const isFolderMarker = (key: string) => key.endsWith('/');

export interface ObjectLocator {
  /** A configured bucket's name (not the bucket's own name at its service). */
  readonly bucket_name: string;
  readonly key: string;
}

/** What Prepare pinned of an object for the build: the version to read, and its ETag (a change since fails it). */
export interface ObjectPin {
  readonly revision?: string;
  readonly etag?: string;
}

const SCHEME = 's3://';
const BUCKET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/**
 * `s3://<bucket_name>/<key>`: the key is everything after the first `/`,
 * taken literally (no percent-decoding: keys may hold `%`, `?` or `#`).
 */
export function parseObjectUrl(url: string): ObjectLocator | undefined {
  if (!url.startsWith(SCHEME)) return undefined;
  const rest = url.slice(SCHEME.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return undefined;
  const bucketName = rest.slice(0, slash);
  const key = rest.slice(slash + 1);
  if (!BUCKET_NAME.test(bucketName) || key === '' || key.length > 1024) return undefined;
  return { bucket_name: bucketName, key };
}

export const objectUrl = (locator: ObjectLocator) => `${SCHEME}${locator.bucket_name}/${locator.key}`;

export const isObjectUrl = (url: string) => url.startsWith(SCHEME);
