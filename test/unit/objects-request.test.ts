import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../lambdas/core/errors';
import { toObjectRef, zipballRequestSchema } from '../../lambdas/core/objects';
import { parseOrThrow } from '../../lambdas/core/validation';

const ID = 'b6233520-0ab2-465e-b698-c69c7ed53e2a';

function refused(body: unknown): InvalidRequestError {
  try {
    parseOrThrow(zipballRequestSchema, body);
  } catch (error) {
    if (error instanceof InvalidRequestError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(body)}`);
}

describe('POST /v2/zipball body', () => {
  it("accepts the seed's three requests as written", () => {
    const bodies = [
      { objects: [{ path: '/dir/myfile.exe' }, { path: '/dir/myfile2.exe' }, { folder: '/anotherDir' }] },
      { objects: [{ path: '/dir/myfile.exe' }, { path: '/dir/myfile.exe', version: 5 }, { path: '/dir/myfile2.exe', revision: '0e4b563b' }] },
      { objects: [{ id: ID, override: '/my/custom/path/myfile.zip' }] },
    ];
    for (const body of bodies) expect(parseOrThrow(zipballRequestSchema, body).expires_in).toBe(86_400);
    const parsed = parseOrThrow(zipballRequestSchema, bodies[1]).objects.map(toObjectRef);
    expect(parsed).toEqual([
      { kind: 'path', path: '/dir/myfile.exe', want: { kind: 'latest' } },
      { kind: 'path', path: '/dir/myfile.exe', want: { kind: 'version', version: 5 } },
      { kind: 'path', path: '/dir/myfile2.exe', want: { kind: 'revision', revision: '0e4b563b' } },
    ]);
    expect(toObjectRef(parseOrThrow(zipballRequestSchema, bodies[2]).objects[0]!)).toEqual({
      kind: 'id',
      id: ID,
      want: { kind: 'latest' },
      override: 'my/custom/path/myfile.zip',
    });
  });

  it.each<[string, unknown, string]>([
    ['two keys in one object', { objects: [{ path: '/a.txt' }, { path: '/b', folder: '/c' }] }, 'objects[1]: exactly one of path, id or folder is allowed (got path and folder)'],
    ['no key', { objects: [{ version: 2 }] }, 'objects[0]: exactly one of path, id or folder is required'],
    ['the root folder', { objects: [{ folder: '/' }] }, 'objects[0].folder: the root folder "/" is not allowed'],
    ['the root folder spelt twice', { objects: [{ folder: '//' }] }, 'objects[0].folder: the root folder "/" is not allowed'],
    ['override with path', { objects: [{ path: '/a.txt', override: '/b.txt' }] }, 'objects[0].override: is only allowed with id'],
    ['override with folder', { objects: [{ folder: '/a', override: '/b' }] }, 'objects[0].override: is only allowed with id'],
    ['version and revision', { objects: [{ path: '/a', version: 1, revision: 'ab' }] }, 'objects[0].revision: give version or revision, not both'],
    ['a version of a folder', { objects: [{ folder: '/a', version: 1 }] }, 'objects[0].version: is not allowed with folder'],
    ['version 0', { objects: [{ path: '/a', version: 0 }] }, 'objects[0].version: must be at least 1'],
    ['a fractional version', { objects: [{ path: '/a', version: 1.5 }] }, 'objects[0].version: must be an integer'],
    ['a version as a string', { objects: [{ path: '/a', version: '5' }] }, 'objects[0].version: must be an integer'],
    ['a revision with spaces', { objects: [{ path: '/a', revision: 'a b' }] }, 'objects[0].revision: must be a revision id'],
    ['an id that is no UUID', { objects: [{ id: 'abc' }] }, 'objects[0].id: must be an object id'],
    ['a ".." path', { objects: [{ path: '/a/../b' }] }, 'objects[0].path: must not contain "." or ".." segments'],
    ['an override escaping the archive', { objects: [{ id: ID, override: '/a/../../b' }] }, 'objects[0].override: must not contain ".." segments'],
    ['an unknown field', { objects: [{ path: '/a', name: 'x' }] }, 'objects[0].name: unknown field'],
    ['no objects', { objects: [] }, 'objects: must contain at least one object'],
    ['an object that is a string', { objects: ['/a'] }, 'objects[0]: must be an object with exactly one of path, id or folder'],
  ])('%s → 400 naming the object', (_, body, message) => {
    expect(refused(body).message).toContain(message);
  });

  it('normalises paths: leading slash added, trailing and doubled ones dropped', () => {
    const body = parseOrThrow(zipballRequestSchema, { objects: [{ path: 'dir//a.txt' }, { folder: '/dir/sub/' }] });
    expect(body.objects.map(toObjectRef)).toEqual([
      { kind: 'path', path: '/dir/a.txt', want: { kind: 'latest' } },
      { kind: 'folder', folder: '/dir/sub', want: { kind: 'latest' } },
    ]);
  });
});
