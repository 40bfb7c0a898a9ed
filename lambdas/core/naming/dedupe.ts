/**
 * De-duplicates entry names in input order so that no entry overwrites
 * another on any OS: names are compared case-insensitively, and a file whose
 * path is a folder of another entry (`docs` vs `docs/a.txt`) also collides.
 * The earlier claim always wins; a later one gets ` (k)`.
 */
import { splitExtension } from './entry-names';

/**
 * A caseless key: NFC, then upper- and lower-casing, which also folds
 * characters whose caseless match is longer (ß ~ SS, ﬁ ~ FI, ς ~ σ). It is
 * more aggressive than any file system, which only costs an extra suffix.
 */
export function foldName(name: string): string {
  return name.normalize('NFC').toUpperCase().toLowerCase().normalize('NFC');
}

function withSuffix(segment: string, k: number, isFile: boolean): string {
  if (!isFile) return `${segment} (${k})`;
  const { stem, ext } = splitExtension(segment);
  return `${stem} (${k})${ext}`;
}

export class EntryNameDeduper {
  private readonly files = new Set<string>();
  private readonly folders = new Set<string>();
  // Next suffix to try per (position, original key): keeps many copies linear.
  private readonly nextSuffix = new Map<string, number>();

  /** Claims a name: returns it unchanged, or renamed so it collides with nothing claimed so far. */
  claim(name: string): string {
    const segments = name.split('/');
    // A folder of the new name that is already a file: rename that folder segment.
    for (let i = 0; i < segments.length - 1; i++) {
      if (this.files.has(this.key(segments, i + 1))) {
        segments[i] = this.freeSegment(segments, i, false);
      }
    }
    const last = segments.length - 1;
    const full = this.key(segments, segments.length);
    if (this.files.has(full) || this.folders.has(full)) {
      segments[last] = this.freeSegment(segments, last, true);
    }
    this.record(segments);
    return segments.join('/');
  }

  private key(segments: string[], count: number): string {
    return segments.slice(0, count).map(foldName).join('/');
  }

  /** Is `segments[0..=i]` usable as a file (isFile) or as a folder? */
  private free(segments: string[], i: number, isFile: boolean): boolean {
    const key = this.key(segments, i + 1);
    if (this.files.has(key)) return false;
    return isFile ? !this.folders.has(key) : true;
  }

  private freeSegment(segments: string[], i: number, isFile: boolean): string {
    const original = segments[i]!;
    const counterKey = `${isFile ? 'f' : 'd'}:${this.key(segments, i + 1)}`;
    let k = this.nextSuffix.get(counterKey) ?? 1;
    for (; ; k++) {
      const candidate = [...segments.slice(0, i), withSuffix(original, k, isFile)];
      if (this.free(candidate, i, isFile)) break;
    }
    this.nextSuffix.set(counterKey, k + (isFile ? 1 : 0));
    return withSuffix(original, k, isFile);
  }

  private record(segments: string[]): void {
    for (let i = 1; i < segments.length; i++) this.folders.add(this.key(segments, i));
    this.files.add(this.key(segments, segments.length));
  }
}

/** Applies EntryNameDeduper to a whole list, in order. */
export function dedupeEntryNames(names: readonly string[]): string[] {
  const deduper = new EntryNameDeduper();
  return names.map((n) => deduper.claim(n));
}
