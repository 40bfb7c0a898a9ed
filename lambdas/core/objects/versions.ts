/**
 * A key's versions as the API shows them: `version` numbers them from 1
 * (the oldest), `revision` is the storage's own version id. Delete markers
 * are not versions: a key whose latest entry is one has no latest version
 * (it was deleted) but its older versions can still be named.
 */
import type { VersionWanted } from './request';

/** One entry of the storage's version listing of a key, newest first (as ListObjectVersions gives them). */
export interface StoredVersion {
  /** The storage's version id; null in a bucket without versioning (S3's "null" id). */
  readonly revision: string | null;
  readonly size: number;
  readonly last_modified: string;
  readonly etag?: string;
  readonly delete_marker?: boolean;
}

export interface NumberedVersion {
  readonly version: number;
  readonly revision: string | null;
  readonly size: number;
  readonly last_modified: string;
  readonly etag?: string;
  /** The key's current version (no delete marker above it). */
  readonly latest: boolean;
}

/** Numbers a newest-first listing from the oldest (1); the result is newest first too. */
export function numberVersions(newestFirst: readonly StoredVersion[]): NumberedVersion[] {
  const real = newestFirst.filter((v) => !v.delete_marker);
  const deleted = newestFirst[0]?.delete_marker === true;
  return real.map((v, i) => ({
    version: real.length - i,
    revision: v.revision === 'null' ? null : v.revision,
    size: v.size,
    last_modified: v.last_modified,
    ...(v.etag !== undefined && { etag: v.etag }),
    latest: i === 0 && !deleted,
  }));
}

export type VersionChoice = { readonly ok: true; readonly version: NumberedVersion } | { readonly ok: false; readonly error: string };

/**
 * The version `want` names among a key's numbered versions. A revision is
 * matched exactly, else as a unique prefix (short revision ids, as in
 * `"revision": "0e4b563b"`).
 */
export function selectVersion(versions: readonly NumberedVersion[], want: VersionWanted): VersionChoice {
  if (versions.length === 0) return { ok: false, error: 'object not found' };
  switch (want.kind) {
    case 'latest': {
      const latest = versions.find((v) => v.latest);
      return latest ? { ok: true, version: latest } : { ok: false, error: 'object not found (deleted)' };
    }
    case 'version': {
      const found = versions.find((v) => v.version === want.version);
      return found ? { ok: true, version: found } : { ok: false, error: `version ${want.version} not found (the object has ${versions.length})` };
    }
    case 'revision': {
      const exact = versions.find((v) => v.revision === want.revision);
      if (exact) return { ok: true, version: exact };
      const prefixed = versions.filter((v) => v.revision !== null && v.revision.startsWith(want.revision));
      if (prefixed.length === 1) return { ok: true, version: prefixed[0]! };
      if (prefixed.length > 1) return { ok: false, error: `revision ${want.revision} matches ${prefixed.length} versions` };
      return { ok: false, error: `revision ${want.revision} not found` };
    }
  }
}
