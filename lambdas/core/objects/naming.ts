/**
 * Entry names of objects in a ZIP, before the common de-duplication:
 * - a `path` object (or an `id` without override): its base name;
 * - a `folder`'s objects: their paths below the folder's parent
 *   (`/anotherDir/x/y.txt` from folder `/anotherDir` → `anotherDir/x/y.txt`);
 * - `override`: exactly as given (already validated, leading `/` dropped).
 * When one key is included in several versions, the newest keeps its name
 * and the others become `name (Version N).ext` (`name (Revision r).ext` when
 * asked for by revision), the extension untouched. Segments that come from
 * storage keys are made safe as names from a server are.
 */
import { sanitizeEntryName, splitExtension } from '../naming/entry-names';

export type ObjectNaming = { readonly kind: 'base' } | { readonly kind: 'folder'; readonly folder: string } | { readonly kind: 'exact'; readonly name: string };

export interface NamedObject {
  /** The object's paket path, `/dir/a.pdf`. */
  readonly path: string;
  /** What identifies the key across the job (bucket and key), to group its versions. */
  readonly identity: string;
  readonly version: number;
  /** How the version was asked for: a `revision` renames by revision id, anything else by number. */
  readonly revision?: string;
  readonly naming: ObjectNaming;
}

/** Drops empty, `.` and `..` segments and makes each one safe on every OS. */
function safePath(segments: readonly string[]): string {
  const kept = segments.filter((s) => s !== '' && s !== '.' && s !== '..').map(sanitizeEntryName);
  return kept.length === 0 ? 'file' : kept.join('/');
}

/** The name an object gets from its path and how it was asked for, before version renames. */
export function plainObjectName(path: string, naming: ObjectNaming): string {
  const segments = path.split('/').filter((s) => s !== '');
  switch (naming.kind) {
    case 'exact':
      return naming.name;
    case 'base':
      return safePath(segments.slice(-1));
    case 'folder': {
      // The folder's own name is kept: its parent's segments are dropped.
      const parentDepth = naming.folder.split('/').filter((s) => s !== '').length - 1;
      return safePath(segments.slice(Math.max(0, parentDepth)));
    }
  }
}

/** `dir/name.ext` → `dir/name (label).ext`: the label goes on the last segment's stem. */
export function withVersionLabel(name: string, label: string): string {
  const slash = name.lastIndexOf('/');
  const { stem, ext } = splitExtension(name.slice(slash + 1));
  return `${name.slice(0, slash + 1)}${stem} (${label})${ext}`;
}

/** Every object's entry name, in input order (de-duplication comes after, with the other entries). */
export function objectEntryNames(objects: readonly NamedObject[]): string[] {
  const newest = new Map<string, number>();
  for (const o of objects) {
    if (o.naming.kind === 'exact') continue;
    newest.set(o.identity, Math.max(newest.get(o.identity) ?? 0, o.version));
  }
  return objects.map((o) => {
    const name = plainObjectName(o.path, o.naming);
    if (o.naming.kind === 'exact' || o.version >= newest.get(o.identity)!) return name;
    const label = o.revision !== undefined ? `Revision ${sanitizeEntryName(o.revision)}` : `Version ${o.version}`;
    return withVersionLabel(name, label);
  });
}
