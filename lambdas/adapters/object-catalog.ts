/**
 * What a bucket holds, over the S3 API: objects below a prefix, page by
 * page, and a key's versions. Pages continue after the last key (ListObjects'
 * `Marker`), which every S3-compatible store understands alike and which
 * makes a listing position plain data. (ListObjectsV2's continuation tokens
 * would do on S3, but the local stand-in cannot issue them without
 * OpenSSL's legacy provider.)
 */
import { HeadObjectCommand, ListObjectsCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import type { ListedObject, ListPage, StoredVersion } from '../core/objects';
import type { BucketAccess } from './object-source';

export interface ObjectCatalog {
  /** Objects below `prefix` in key order, after the key `startAfter`; `next` (the last key) when more follow. */
  list(prefix: string, startAfter: string | undefined, limit?: number): Promise<ListPage>;
  /**
   * A key's versions, newest first, delete markers included; [] when it has
   * none. `listed` (the key as a listing showed it) saves a request on a
   * store that keeps no versions.
   */
  versions(key: string, listed?: ListedObject): Promise<StoredVersion[]>;
}

const PAGE = 1000;

interface S3ErrorLike {
  readonly name?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/** Stores without versions refuse ListObjectVersions (R2: NotImplemented; the local stand-in: MethodNotAllowed). */
const versionsUnsupported = (error: unknown) => {
  const e = (error ?? {}) as S3ErrorLike;
  return e.name === 'NotImplemented' || e.name === 'MethodNotAllowed' || e.$metadata?.httpStatusCode === 501 || e.$metadata?.httpStatusCode === 405;
};
const notFound = (error: unknown) => {
  const e = (error ?? {}) as S3ErrorLike;
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
};

const iso = (d: Date | undefined) => (d ?? new Date(0)).toISOString();

export function s3ObjectCatalog(access: BucketAccess): ObjectCatalog {
  const { client, bucket } = access;
  // Learned from the first refused version listing, so a page of objects costs one refusal, not one per key.
  let unversioned = false;

  /** A store without versioning: the key's one object, as version 1. */
  const single = async (key: string): Promise<StoredVersion[]> => {
    try {
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return [{ revision: head.VersionId ?? null, size: head.ContentLength ?? 0, last_modified: iso(head.LastModified), ...(head.ETag && { etag: head.ETag }) }];
    } catch (error) {
      if (notFound(error)) return [];
      throw error;
    }
  };

  return {
    async list(prefix, startAfter, limit = PAGE) {
      const out = await client.send(
        new ListObjectsCommand({ Bucket: bucket, Prefix: prefix, MaxKeys: Math.min(limit, PAGE), ...(startAfter !== undefined && { Marker: startAfter }) }),
      );
      const objects = (out.Contents ?? []).map((o) => ({ key: o.Key!, size: o.Size ?? 0, last_modified: iso(o.LastModified), ...(o.ETag && { etag: o.ETag }) }));
      const last = objects.at(-1)?.key;
      return { objects, ...(out.IsTruncated && last !== undefined && { next: last }) };
    },

    async versions(key, listed) {
      if (unversioned) return listed ? [{ revision: null, size: listed.size, last_modified: listed.last_modified, ...(listed.etag && { etag: listed.etag }) }] : single(key);
      const found: (StoredVersion & { at: number; order: number })[] = [];
      let keyMarker: string | undefined;
      let versionMarker: string | undefined;
      try {
        for (;;) {
          const out = await client.send(
            new ListObjectVersionsCommand({
              Bucket: bucket,
              Prefix: key,
              MaxKeys: PAGE,
              ...(keyMarker !== undefined && { KeyMarker: keyMarker }),
              ...(versionMarker !== undefined && { VersionIdMarker: versionMarker }),
            }),
          );
          for (const v of out.Versions ?? []) {
            if (v.Key !== key) continue;
            found.push({ revision: v.VersionId ?? null, size: v.Size ?? 0, last_modified: iso(v.LastModified), ...(v.ETag && { etag: v.ETag }), at: v.LastModified?.getTime() ?? 0, order: found.length });
          }
          for (const m of out.DeleteMarkers ?? []) {
            if (m.Key !== key) continue;
            found.push({ revision: m.VersionId ?? null, size: 0, last_modified: iso(m.LastModified), delete_marker: true, at: m.LastModified?.getTime() ?? 0, order: found.length });
          }
          // Keys after ours sort later: nothing more of this key follows.
          const beyond = [...(out.Versions ?? []), ...(out.DeleteMarkers ?? [])].some((v) => v.Key !== undefined && v.Key > key);
          if (!out.IsTruncated || beyond) break;
          keyMarker = out.NextKeyMarker;
          versionMarker = out.NextVersionIdMarker;
        }
      } catch (error) {
        if (!versionsUnsupported(error)) throw error;
        unversioned = true;
        return this.versions(key, listed);
      }
      // Versions and delete markers come in two lists: merge them newest first (S3 lists each newest first).
      found.sort((a, b) => b.at - a.at || a.order - b.order);
      return found.map(({ at: _at, order: _order, ...v }) => v);
    },
  };
}
