/**
 * A job's long lists (file errors, entry names) can hold tens of thousands
 * of entries with URLs of up to 8 KB each: far more than one 400 KB DynamoDB
 * item or one 6 MB answer. They are stored in chunks, each under a byte
 * bound, per scope (0: the job itself, n: its ZIP of sequence n), and read
 * back in windows bounded in entries and in bytes. A position names the
 * next entry to read: (scope, chunk, offset in the chunk).
 */

/** Bytes of JSON per stored chunk: a chunk item stays far below DynamoDB's 400 KB. */
export const CHUNK_BYTES = 256 * 1024;

/** The scope of the job's own entries (ZIPs are 1, 2, …). */
export const JOB_SCOPE = 0;

export interface ListPosition {
  readonly scope: number;
  readonly chunk: number;
  readonly offset: number;
}

export interface WindowLimits {
  /** At most this many entries. */
  readonly items: number;
  /** At most this many bytes of JSON, counted per entry (a window always holds at least one entry). */
  readonly bytes: number;
}

export interface Scoped<T> {
  readonly scope: number;
  readonly item: T;
}

export const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** Splits `items` in order into chunks whose JSON arrays are at most `maxBytes` (an entry larger than that alone). */
export function chunkByBytes<T>(items: readonly T[], maxBytes = CHUNK_BYTES): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let size = 2; // the brackets
  for (const item of items) {
    const bytes = jsonBytes(item) + 1; // and its comma
    if (current.length > 0 && size + bytes > maxBytes) {
      chunks.push(current);
      current = [];
      size = 2;
    }
    current.push(item);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** `3.0.17` → a position; anything else → undefined. */
export function parsePosition(text: string): ListPosition | undefined {
  const m = /^(\d{1,6})\.(\d{1,6})\.(\d{1,6})$/.exec(text);
  if (!m) return undefined;
  return { scope: Number(m[1]), chunk: Number(m[2]), offset: Number(m[3]) };
}

export const formatPosition = (p: ListPosition): string => `${p.scope}.${p.chunk}.${p.offset}`;

/**
 * Collects a window from chunks handed in storage order, starting at a
 * position. Feed chunks with `add` until it returns false (the window is
 * full), then read `items` and `next` (null when the list ended inside the window).
 */
export class WindowCollector<T> {
  readonly items: Scoped<T>[] = [];
  next: ListPosition | null = null;
  private bytes = 0;
  private full = false;

  constructor(
    private readonly from: ListPosition | null,
    private readonly limits: WindowLimits,
  ) {}

  /** Whether more chunks are wanted. Chunks before the start position are skipped. */
  add(scope: number, chunk: number, entries: readonly T[]): boolean {
    if (this.full) return false;
    const f = this.from;
    if (f && (scope < f.scope || (scope === f.scope && chunk < f.chunk))) return true;
    const start = f && scope === f.scope && chunk === f.chunk ? f.offset : 0;
    for (let offset = start; offset < entries.length; offset++) {
      const item = entries[offset]!;
      const size = jsonBytes(item) + 1;
      if (this.items.length >= this.limits.items || (this.items.length > 0 && this.bytes + size > this.limits.bytes)) {
        this.full = true;
        this.next = { scope, chunk, offset };
        return false;
      }
      this.items.push({ scope, item });
      this.bytes += size;
    }
    return true;
  }
}

/** The entries that fit in `budget` bytes of JSON (each counted with its comma), from the start. */
export function takeWithinBytes<T>(items: readonly T[], budget: number): T[] {
  let used = 0;
  let n = 0;
  for (; n < items.length; n++) {
    const size = jsonBytes(items[n]) + 1;
    if (used + size > budget) break;
    used += size;
  }
  return items.slice(0, n);
}
