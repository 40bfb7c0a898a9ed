/**
 * In-memory ZipSinks for tests. They also police the sink contract: a patch
 * or truncate must target an offset the writer announced with hold().
 */
import { ZipWriter } from '../../lambdas/core/zip';
import type { ZipSink } from '../../lambdas/core/zip/sink';

type Patching = NonNullable<ZipSink['patching']>;

/** Tracks held offsets and checks patches and truncations against them. */
class Holds {
  private readonly offsets: number[] = [];
  hold(offset: number, length: number): void {
    if (offset > length) throw new Error(`hold(${offset}) beyond the end (${length})`);
    this.offsets.push(offset);
  }
  release(offset: number, what: string): void {
    const i = this.offsets.indexOf(offset);
    if (i < 0) throw new Error(`${what}(${offset}) without a hold there`);
    this.offsets.splice(i, 1);
  }
  truncate(offset: number): void {
    if (!this.offsets.some((o) => o <= offset)) throw new Error(`truncate(${offset}) below every held offset`);
    for (let i = this.offsets.length - 1; i >= 0; i--) if (this.offsets[i]! >= offset) this.offsets.splice(i, 1);
  }
  get count(): number {
    return this.offsets.length;
  }
}

export interface MemorySinkOptions {
  patching: boolean;
  /** Bytes already in the sink (a resumed upload): writes continue after them. */
  initial?: Uint8Array;
  /** Called before each write; throwing makes the write fail (to test sink failures). */
  beforeWrite?: (offset: number, chunk: Uint8Array) => void;
}

/** A growable buffer. With `patching: false` it has no `patching` member at all, like an append-only sink. */
export class MemorySink implements ZipSink {
  readonly patching?: Patching;
  private buf: Buffer;
  private length = 0;
  private readonly holds = new Holds();
  writes = 0;

  constructor(private readonly options: MemorySinkOptions) {
    this.buf = Buffer.allocUnsafe(Math.max(1024, options.initial?.length ?? 0));
    if (options.initial) this.append(options.initial);
    if (options.patching) {
      this.patching = {
        hold: (offset) => this.holds.hold(offset, this.length),
        patch: async (offset, bytes) => {
          this.holds.release(offset, 'patch');
          if (offset + bytes.length > this.length) throw new Error('patch beyond the end');
          this.buf.set(bytes, offset);
        },
        truncate: async (offset) => {
          this.holds.truncate(offset);
          this.length = offset;
        },
      };
    }
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.options.beforeWrite?.(this.length, chunk);
    this.writes++;
    this.append(chunk);
  }

  private append(chunk: Uint8Array): void {
    if (this.length + chunk.length > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + chunk.length));
      this.buf.copy(bigger, 0, 0, this.length);
      this.buf = bigger;
    }
    this.buf.set(chunk, this.length);
    this.length += chunk.length;
  }

  get size(): number {
    return this.length;
  }

  /** Offsets held and not yet patched or truncated. */
  get heldCount(): number {
    return this.holds.count;
  }

  /** A copy of the bytes written so far. */
  bytes(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.length));
  }
}

/**
 * Keeps references to the written chunks instead of copying them, so a
 * multi-GiB entry whose source re-yields one pattern buffer costs almost no
 * memory. Patching copies the few segments it touches.
 */
export class SegmentSink implements ZipSink {
  readonly patching?: Patching;
  private starts: number[] = [];
  private segments: Uint8Array[] = [];
  private length = 0;
  private readonly holds = new Holds();

  constructor(patching: boolean) {
    if (patching) {
      this.patching = {
        hold: (offset) => this.holds.hold(offset, this.length),
        patch: async (offset, bytes) => {
          this.holds.release(offset, 'patch');
          this.overwrite(offset, bytes);
        },
        truncate: async (offset) => {
          this.holds.truncate(offset);
          this.cut(offset);
        },
      };
    }
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (chunk.length === 0) return;
    this.starts.push(this.length);
    this.segments.push(chunk);
    this.length += chunk.length;
  }

  get size(): number {
    return this.length;
  }

  /** Index of the segment holding byte `pos`. */
  private find(pos: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private overwrite(offset: number, bytes: Uint8Array): void {
    if (offset + bytes.length > this.length) throw new Error('patch beyond the end');
    for (let i = this.find(offset); i < this.segments.length && this.starts[i]! < offset + bytes.length; i++) {
      const copy = Uint8Array.from(this.segments[i]!);
      const start = this.starts[i]!;
      const from = Math.max(offset, start);
      const to = Math.min(offset + bytes.length, start + copy.length);
      copy.set(bytes.subarray(from - offset, to - offset), from - start);
      this.segments[i] = copy;
    }
  }

  private cut(offset: number): void {
    if (offset >= this.length) return;
    const i = this.find(offset);
    const keep = offset - this.starts[i]!;
    this.starts.length = keep > 0 ? i + 1 : i;
    this.segments.length = this.starts.length;
    if (keep > 0) this.segments[i] = this.segments[i]!.subarray(0, keep);
    this.length = offset;
  }

  /** The bytes in [start, end), as views of the stored chunks. */
  *range(start: number, end: number): Generator<Uint8Array> {
    if (start >= end) return;
    for (let i = this.find(start); i < this.segments.length && this.starts[i]! < end; i++) {
      const s = this.starts[i]!;
      const seg = this.segments[i]!;
      yield seg.subarray(Math.max(0, start - s), Math.min(seg.length, end - s));
    }
  }
}

/**
 * What BuildZip writes for `files` stored in one go: the writer over a
 * patching sink, as over the multipart upload (local headers patched, no
 * data descriptors).
 */
export async function storedZipInOneGo(files: readonly { readonly name: string; readonly body: Uint8Array }[], mtime: Date): Promise<Buffer> {
  const sink = new MemorySink({ patching: true });
  const writer = new ZipWriter(sink);
  for (const f of files) await writer.addEntry({ name: f.name, method: 'store', size: f.body.length, mtime }, [f.body]);
  await writer.finish();
  return sink.bytes();
}
