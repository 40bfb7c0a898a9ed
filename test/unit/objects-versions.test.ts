import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandFolder, FolderTooLargeError, folderKeyPrefix, normalizePrefix, numberVersions, paketKey, paketPath, parseObjectUrl, selectVersion, type ListPage, type StoredVersion } from '../../lambdas/core/objects';

const stored = (revision: string, extra: Partial<StoredVersion> = {}): StoredVersion => ({ revision, size: 10, last_modified: '2026-01-01T00:00:00.000Z', ...extra });

describe('versions', () => {
  it('numbers from the oldest (1), newest first, skipping delete markers', () => {
    const numbered = numberVersions([stored('c'), stored('dm', { delete_marker: true }), stored('b'), stored('a')]);
    expect(numbered.map((v) => [v.version, v.revision, v.latest])).toEqual([
      [3, 'c', true],
      [2, 'b', false],
      [1, 'a', false],
    ]);
  });

  it('a key whose newest entry is a delete marker has no latest, but its versions stay reachable', () => {
    const numbered = numberVersions([stored('dm', { delete_marker: true }), stored('b'), stored('a')]);
    expect(selectVersion(numbered, { kind: 'latest' })).toEqual({ ok: false, error: 'object not found (deleted)' });
    expect(selectVersion(numbered, { kind: 'version', version: 1 })).toMatchObject({ ok: true, version: { revision: 'a' } });
  });

  it("an unversioned bucket's one version is version 1 with no revision", () => {
    const numbered = numberVersions([stored('null')]);
    expect(numbered).toEqual([{ version: 1, revision: null, size: 10, last_modified: '2026-01-01T00:00:00.000Z', latest: true }]);
  });

  it('selects by number, by exact revision, and by a unique revision prefix', () => {
    const numbered = numberVersions([stored('0e4b563bff01'), stored('0e4b11'), stored('0e4b563aa')]);
    expect(selectVersion(numbered, { kind: 'version', version: 2 })).toMatchObject({ ok: true, version: { revision: '0e4b11' } });
    expect(selectVersion(numbered, { kind: 'version', version: 9 })).toEqual({ ok: false, error: 'version 9 not found (the object has 3)' });
    expect(selectVersion(numbered, { kind: 'revision', revision: '0e4b563b' })).toMatchObject({ ok: true, version: { version: 3 } });
    expect(selectVersion(numbered, { kind: 'revision', revision: '0e4b' })).toEqual({ ok: false, error: 'revision 0e4b matches 3 versions' });
    expect(selectVersion(numbered, { kind: 'revision', revision: 'ff' })).toEqual({ ok: false, error: 'revision ff not found' });
    expect(selectVersion([], { kind: 'latest' })).toEqual({ ok: false, error: 'object not found' });
  });

  it('property: versions are 1..n, newest first, and each is found by its number and its revision', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[0-9a-f]{8}$/), { minLength: 1, maxLength: 20 }), fc.boolean(), (ids, deleted) => {
        const listing = [...(deleted ? [stored('marker', { delete_marker: true })] : []), ...ids.map((id) => stored(id))];
        const numbered = numberVersions(listing);
        expect(numbered.map((v) => v.version)).toEqual(ids.map((_, i) => ids.length - i));
        expect(numbered.filter((v) => v.latest)).toHaveLength(deleted ? 0 : 1);
        for (const v of numbered) {
          expect(selectVersion(numbered, { kind: 'version', version: v.version })).toEqual({ ok: true, version: v });
          expect(selectVersion(numbered, { kind: 'revision', revision: v.revision! })).toEqual({ ok: true, version: v });
        }
      }),
    );
  });
});

describe('paket paths and keys', () => {
  it('maps paths to keys under the prefix and back', () => {
    expect(normalizePrefix('/team/a/')).toBe('team/a/');
    expect(normalizePrefix(undefined)).toBe('');
    expect(paketKey('team/', '/dir/a.txt')).toBe('team/dir/a.txt');
    expect(paketPath('team/', 'team/dir/a.txt')).toBe('/dir/a.txt');
    expect(paketPath('team/', 'other/a.txt')).toBeUndefined();
    expect(folderKeyPrefix('team/', '/dir')).toBe('team/dir/');
    expect(folderKeyPrefix('', '/')).toBe('');
  });

  it('parses s3://<bucket_name>/<key>, the key taken literally', () => {
    expect(parseObjectUrl('s3://media/a/b%20c?.txt')).toEqual({ bucket_name: 'media', key: 'a/b%20c?.txt' });
    expect(parseObjectUrl('s3://media/')).toBeUndefined();
    expect(parseObjectUrl('s3:///key')).toBeUndefined();
    expect(parseObjectUrl('https://media/key')).toBeUndefined();
  });
});

describe('folder expansion', () => {
  /** A lister over sorted keys, `pageSize` a page, as ListObjectsV2 pages them. */
  const lister = (keys: readonly string[], pageSize: number, calls: string[] = []) => async (prefix: string, token: string | undefined): Promise<ListPage> => {
    calls.push(token ?? '');
    const under = keys.filter((k) => k.startsWith(prefix)).sort();
    const start = token === undefined ? 0 : Number(token);
    const page = under.slice(start, start + pageSize);
    const next = start + pageSize < under.length ? String(start + pageSize) : undefined;
    return { objects: page.map((key) => ({ key, size: key.length, last_modified: '2026-01-01T00:00:00.000Z' })), ...(next && { next }) };
  };
  const all = async (it: AsyncIterable<{ key: string }>) => {
    const out: string[] = [];
    for await (const o of it) out.push(o.key);
    return out;
  };

  it('lists every object below the prefix across pages, without folder markers', async () => {
    const keys = ['p/dir/', 'p/dir/a.txt', 'p/dir/sub/', 'p/dir/sub/b.txt', 'p/dirt.txt', 'p/other/c.txt'];
    const calls: string[] = [];
    expect(await all(expandFolder(lister(keys, 1, calls), 'p/dir/', 100))).toEqual(['p/dir/a.txt', 'p/dir/sub/b.txt']);
    expect(calls).toHaveLength(4);
  });

  it('stops past the maximum', async () => {
    const keys = Array.from({ length: 30 }, (_, i) => `f/${String(i).padStart(2, '0')}`);
    await expect(all(expandFolder(lister(keys, 7), 'f/', 29))).rejects.toThrow(FolderTooLargeError);
    expect(await all(expandFolder(lister(keys, 7), 'f/', 30))).toHaveLength(30);
  });

  it('property: any keys, any page size: each object below the prefix exactly once, in key order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.stringMatching(/^(d\/|e\/)?[a-c\/]{1,6}$/), { maxLength: 40 }), fc.integer({ min: 1, max: 9 }), async (keys, pageSize) => {
        const expected = keys.filter((k) => k.startsWith('d/') && !k.endsWith('/')).sort();
        expect(await all(expandFolder(lister(keys, pageSize), 'd/', 1000))).toEqual(expected);
      }),
    );
  });
});
