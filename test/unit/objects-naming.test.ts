import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { objectEntryNames, plainObjectName, withVersionLabel, type NamedObject } from '../../lambdas/core/objects';
import { dedupeEntryNames, validateClientFilename } from '../../lambdas/core/naming';

const base = { kind: 'base' } as const;
const at = (path: string, version: number, extra: Partial<NamedObject> = {}): NamedObject => ({ path, identity: `paket:${path.slice(1)}`, version, naming: base, ...extra });

describe('object entry names', () => {
  it("names the seed's path and folder request as the seed shows", () => {
    const folder = { kind: 'folder', folder: '/anotherDir' } as const;
    const names = objectEntryNames([
      at('/dir/myfile.exe', 1),
      at('/dir/myfile2.exe', 1),
      at('/anotherDir/x/y.txt', 1, { naming: folder }),
      at('/anotherDir/readme.md', 1, { naming: folder }),
    ]);
    expect(names).toEqual(['myfile.exe', 'myfile2.exe', 'anotherDir/x/y.txt', 'anotherDir/readme.md']);
  });

  it("renames the older of one path's versions, as the seed's version request shows", () => {
    // myfile.exe has 7 versions: the latest (7) and version 5 are asked for; myfile2.exe by revision.
    const names = objectEntryNames([at('/dir/myfile.exe', 7), at('/dir/myfile.exe', 5), at('/dir/myfile2.exe', 3, { revision: '0e4b563b' })]);
    expect(names).toEqual(['myfile.exe', 'myfile (Version 5).exe', 'myfile2.exe']);
  });

  it('labels an older version asked for by revision with the revision, the extension untouched', () => {
    const names = objectEntryNames([at('/d/report.tar.gz', 2, { revision: 'ab12' }), at('/d/report.tar.gz', 4)]);
    expect(names).toEqual(['report.tar (Revision ab12).gz', 'report.tar.gz']);
    expect(withVersionLabel('a/b/.env', 'Version 2')).toBe('a/b/.env (Version 2)');
    expect(withVersionLabel('README', 'Version 2')).toBe('README (Version 2)');
  });

  it('keeps folder structure below the folder parent for nested folders', () => {
    expect(plainObjectName('/a/b/c/d.txt', { kind: 'folder', folder: '/a/b' })).toBe('b/c/d.txt');
    expect(plainObjectName('/a/b/c/d.txt', { kind: 'folder', folder: '/a' })).toBe('a/b/c/d.txt');
  });

  it('takes override exactly, and never renames it', () => {
    const exact = { kind: 'exact', name: 'my/custom/path/myfile.zip' } as const;
    expect(objectEntryNames([at('/x/a.zip', 1, { naming: exact }), at('/x/a.zip', 2)])).toEqual(['my/custom/path/myfile.zip', 'a.zip']);
  });

  it("makes storage keys' segments safe as names from a server are", () => {
    expect(plainObjectName('/d/con.txt', base)).toBe('_con.txt');
    expect(plainObjectName('/d/a:b?.txt', base)).toBe('a_b_.txt');
    expect(plainObjectName('/d/./../x\\y.txt', { kind: 'folder', folder: '/d' })).toBe('d/x_y.txt');
    expect(plainObjectName('/d/trailing. ', base)).toBe('trailing');
  });

  it('property: every name is a valid client filename, and each key keeps exactly one plain name per distinct version set', () => {
    const segment = fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom('.', '..', 'CON', 'a.txt', 'b.tar.gz', ' x.'));
    const object = fc.record({
      segments: fc.array(segment, { minLength: 1, maxLength: 4 }),
      version: fc.integer({ min: 1, max: 5 }),
      folderDepth: fc.integer({ min: 0, max: 3 }),
      byRevision: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(object, { minLength: 1, maxLength: 12 }), (specs) => {
        const objects = specs.map((s): NamedObject => {
          const path = `/${s.segments.join('/')}`;
          const depth = Math.min(s.folderDepth, s.segments.length - 1);
          const naming = depth === 0 ? base : ({ kind: 'folder', folder: `/${s.segments.slice(0, depth).join('/')}` } as const);
          return { path, identity: path, version: s.version, naming, ...(s.byRevision && { revision: `r${s.version}` }) };
        });
        const names = objectEntryNames(objects);
        for (const name of dedupeEntryNames(names)) expect(validateClientFilename(name)).toBeNull();
        // The newest version of each key (and only it) carries no label.
        objects.forEach((o, i) => {
          const newest = Math.max(...objects.filter((p) => p.identity === o.identity).map((p) => p.version));
          expect(/ \((Version|Revision) [^)]*\)/.test(names[i]!)).toBe(o.version < newest || /\((Version|Revision) /.test(plainObjectName(o.path, o.naming)));
        });
      }),
    );
  });
});
