/**
 * Streaming ZIP writer: one entry at a time from an async source into a
 * ZipSink, never holding a whole file. With a patching sink it writes no data
 * descriptors (local headers are patched once CRC and sizes are known) and
 * can drop a failed entry; its state between entries is plain data.
 */
import { crc32 } from 'node:zlib';
import { centralDirectory } from './central';
import { deflateRaw, type ByteSource } from './deflate';
import { EntryAbortedError, EntrySizeMismatchError, EntryTooLargeError, ZipWriterBrokenError } from './errors';
import { dosDateTime, encodeDescriptor, encodeEndRecords, encodeLocalHeader } from './format';
import { MAX32, centralRecordSize, deflatePausesAllowed, localHeaderSize, localUsesZip64, nameLength } from './layout';
import { validateMeta, type ZipEntryMeta } from './meta';
import {
  FLAG_DESCRIPTOR,
  FLAG_LOCAL_ZIP64,
  METHOD_DEFLATE,
  METHOD_STORE,
  assertCheckpoint,
  type CentralRecord,
  type EntryInProgress,
  type MethodCode,
  type ZipCheckpoint,
} from './records';
import type { ZipSink } from './sink';

export type { ZipEntryMeta };

export interface ZipWriterOptions {
  /** zlib level for DEFLATE entries, 0–9; default 6. */
  deflateLevel?: number;
}

export interface EntryControl {
  /**
   * Asked after each chunk of a STORE entry reaches the sink, and after each
   * chunk a DEFLATE entry takes from its source. Returning true pauses the
   * entry there: the writer stops reading the source (a DEFLATE entry ends
   * its output with a full flush first) and `checkpoint()` then describes the
   * entry in progress. A DEFLATE entry pauses only as often as
   * `deflatePausesAllowed` lets it (once per MiB of input, 64 times at most):
   * otherwise it reads on.
   */
  shouldPause?: () => boolean;
}

export type EntryResult =
  | { status: 'written'; name: string; size: number; compressedSize: number; crc32: number }
  | { status: 'paused'; name: string; bytesDone: number };

type State = 'ready' | 'busy' | 'paused' | 'finished' | 'broken';

interface Progress extends EntryInProgress {
  method: MethodCode;
  nameLength: number;
  headerWritten: boolean;
  compressedSize: number;
  pauses: number;
}

const centralSize = (r: CentralRecord): number => centralRecordSize(nameLength(r[0]), r[4], r[3], r[5]);

/** Entries without a data descriptor get their local header patched: decided per entry, so a resumed entry keeps its layout. */
const patchesHeader = (p: Progress): boolean => (p.flags & FLAG_DESCRIPTOR) === 0;

export class ZipWriter {
  private state: State = 'ready';
  private brokenBy?: ZipWriterBrokenError;
  private position = 0;
  private records: CentralRecord[] = [];
  /** Bytes the central records of `records` will take, kept as they are added. */
  private centralBytes = 0;
  private current?: Progress;
  private readonly level: number;

  constructor(
    private readonly sink: ZipSink,
    options: ZipWriterOptions = {},
  ) {
    const level = options.deflateLevel ?? 6;
    if (!Number.isInteger(level) || level < 0 || level > 9) throw new TypeError('deflateLevel must be an integer 0–9');
    this.level = level;
  }

  /** A writer that continues from `checkpoint` onto `sink`, which must be positioned at `checkpoint.offset`. */
  static resume(sink: ZipSink, checkpoint: ZipCheckpoint, options?: ZipWriterOptions): ZipWriter {
    assertCheckpoint(checkpoint);
    const w = new ZipWriter(sink, options);
    w.position = checkpoint.offset;
    w.records = checkpoint.entries.slice();
    for (const r of w.records) w.centralBytes += centralSize(r);
    const c = checkpoint.current;
    if (c) {
      if ((c.flags & FLAG_DESCRIPTOR) === 0 && !sink.patching) {
        throw new TypeError('the entry in progress needs a patching sink to be resumed');
      }
      const len = nameLength(c.name);
      const method = c.method ?? METHOD_STORE;
      const written = method === METHOD_STORE ? c.bytesDone : c.compressedSize!;
      if (c.headerOffset + localHeaderSize(len, (c.flags & FLAG_LOCAL_ZIP64) !== 0) + written !== checkpoint.offset) {
        throw new TypeError('checkpoint offset does not match its entry in progress');
      }
      w.current = { ...c, method, nameLength: len, headerWritten: true, compressedSize: c.compressedSize ?? 0, pauses: c.pauses ?? 0 };
      if (patchesHeader(w.current)) sink.patching!.hold(c.headerOffset);
      w.state = 'paused';
    }
    return w;
  }

  /** Bytes written to the sink so far. */
  get offset(): number {
    return this.position;
  }

  /**
   * Bytes the archive is committed to before its end records: what is
   * written plus the central records of the entries written. An entry
   * that starts now may take what a cap leaves above this.
   */
  get committedBytes(): number {
    return this.position + this.centralBytes;
  }

  get entryCount(): number {
    return this.records.length;
  }

  /** Streams one entry from `source`. Entries appear in the archive in the order added. */
  async addEntry(meta: ZipEntryMeta, source: ByteSource, control: EntryControl = {}): Promise<EntryResult> {
    this.expect('ready', 'addEntry');
    return this.run(this.begin(meta), source, control);
  }

  /** After a pause (or a resume from a mid-entry checkpoint): streams the rest, starting at byte `bytesDone` of the file. */
  async continueEntry(source: ByteSource, control: EntryControl = {}): Promise<EntryResult> {
    this.expect('paused', 'continueEntry');
    return this.run(this.current!, source, control);
  }

  /** Plain JSON-able state; only between entries or while an entry is paused. */
  checkpoint(): ZipCheckpoint {
    if (this.state !== 'paused') this.expect('ready', 'checkpoint');
    const cp: ZipCheckpoint = { v: 1, offset: this.position, entries: this.records.slice() };
    const p = this.current;
    if (this.state === 'paused' && p) {
      cp.current = {
        name: p.name,
        ...(p.size !== undefined && { size: p.size }),
        ...(p.maxBytes !== undefined && { maxBytes: p.maxBytes }),
        dosDateTime: p.dosDateTime,
        flags: p.flags,
        headerOffset: p.headerOffset,
        bytesDone: p.bytesDone,
        crc32: p.crc32,
        ...(p.method === METHOD_DEFLATE && { method: p.method, compressedSize: p.compressedSize, pauses: p.pauses }),
      };
    }
    return cp;
  }

  /** Writes the central directory and end records; returns the archive's total size. */
  async finish(): Promise<number> {
    this.expect('ready', 'finish');
    this.state = 'busy';
    const cdOffset = this.position;
    for (const batch of centralDirectory(this.records)) await this.write(batch);
    await this.write(encodeEndRecords(this.records.length, cdOffset, this.position - cdOffset));
    this.state = 'finished';
    return this.position;
  }

  private begin(meta: ZipEntryMeta): Progress {
    const len = validateMeta(meta);
    const { name, method, size, maxBytes, mtime } = meta;
    return {
      name,
      size,
      maxBytes,
      dosDateTime: dosDateTime(mtime),
      flags: (localUsesZip64(method, size) ? FLAG_LOCAL_ZIP64 : 0) | (this.sink.patching ? 0 : FLAG_DESCRIPTOR),
      headerOffset: this.position,
      bytesDone: 0,
      crc32: 0,
      method: method === 'store' ? METHOD_STORE : METHOD_DEFLATE,
      nameLength: len,
      headerWritten: false,
      compressedSize: 0,
      pauses: 0,
    };
  }

  private async run(p: Progress, source: ByteSource, control: EntryControl): Promise<EntryResult> {
    this.state = 'busy';
    this.current = p;
    try {
      // No pause once an entry of known size has all its bytes: resuming would ask the source for nothing.
      const ask = control.shouldPause;
      const shouldPause = ask && (() => !(p.size !== undefined && p.bytesDone >= p.size) && ask());
      const paused = p.method === METHOD_STORE ? await this.pumpStored(p, source, shouldPause) : await this.pumpDeflated(p, source, shouldPause);
      if (paused) {
        this.state = 'paused';
        return { status: 'paused', name: p.name, bytesDone: p.bytesDone };
      }
      if (p.size !== undefined && p.bytesDone !== p.size) throw new EntrySizeMismatchError(p.name, p.size, p.bytesDone);
      await this.complete(p);
    } catch (err) {
      if (this.brokenBy) throw err;
      return this.abort(p, err);
    }
    this.current = undefined;
    this.state = 'ready';
    const compressedSize = p.method === METHOD_STORE ? p.bytesDone : p.compressedSize;
    return { status: 'written', name: p.name, size: p.bytesDone, compressedSize, crc32: p.crc32 };
  }

  /** The hot path: CRC and pass each chunk through untouched (no copies). */
  private async pumpStored(p: Progress, source: ByteSource, shouldPause?: () => boolean): Promise<boolean> {
    for await (const chunk of source) {
      const n = chunk.length;
      if (n === 0) continue;
      this.meter(p, n);
      if (!p.headerWritten) await this.writeHeader(p);
      p.crc32 = crc32(chunk, p.crc32);
      await this.write(chunk);
      p.bytesDone += n;
      if (shouldPause?.()) return true;
    }
    return false;
  }

  /** Each run of a DEFLATE entry is one segment of its deflate stream; all but the last end with a full flush. */
  private async pumpDeflated(p: Progress, source: ByteSource, shouldPause?: () => boolean): Promise<boolean> {
    const onInput = (chunk: Uint8Array): void => {
      this.meter(p, chunk.length);
      p.crc32 = crc32(chunk, p.crc32);
      p.bytesDone += chunk.length;
    };
    // A pause is allowed only once the entry's input has paid for it in deflateBound.
    const mayPause = shouldPause && (() => p.pauses < deflatePausesAllowed(p.bytesDone) && shouldPause());
    const stream = deflateRaw(source, this.level, onInput, mayPause);
    try {
      for (;;) {
        const next = await stream.next();
        if (next.done) {
          if (!next.value) return false;
          p.pauses++;
          if (!p.headerWritten) await this.writeHeader(p); // the checkpoint's layout has a header
          return true;
        }
        if (!p.headerWritten) await this.writeHeader(p);
        await this.write(next.value);
        p.compressedSize += next.value.length;
      }
    } finally {
      await stream.return(false); // a no-op once done; otherwise closes zlib and the source
    }
  }

  /** Enforces the announced size and maxBytes before a chunk is accepted, so excess bytes never reach the sink. */
  private meter(p: Progress, n: number): void {
    const total = p.bytesDone + n;
    if (p.size !== undefined && total > p.size) throw new EntrySizeMismatchError(p.name, p.size, total);
    if (p.maxBytes !== undefined && total > p.maxBytes) throw new EntryTooLargeError(p.name, p.maxBytes);
  }

  /** Written lazily, with the first data: a source that fails before sending anything costs nothing, even without patching. */
  private async writeHeader(p: Progress): Promise<void> {
    if (patchesHeader(p)) this.sink.patching!.hold(p.headerOffset);
    p.headerWritten = true;
    await this.write(encodeLocalHeader({ ...p, crc32: 0, compressedSize: 0, size: 0 }));
  }

  private async complete(p: Progress): Promise<void> {
    if (!p.headerWritten) await this.writeHeader(p);
    const compressedSize = p.method === METHOD_STORE ? p.bytesDone : p.compressedSize;
    const zip64 = (p.flags & FLAG_LOCAL_ZIP64) !== 0;
    if (!zip64 && compressedSize >= MAX32) throw new Error('deflate output exceeded its predicted bound');
    if (patchesHeader(p)) {
      const header = encodeLocalHeader({ ...p, compressedSize, size: p.bytesDone });
      await this.sinkCall('patch', () => this.sink.patching!.patch(p.headerOffset, header));
    } else {
      await this.write(encodeDescriptor(p.crc32, compressedSize, p.bytesDone, zip64));
    }
    const record: CentralRecord = [p.name, p.method, p.crc32, compressedSize, p.bytesDone, p.headerOffset, p.dosDateTime, p.flags];
    this.records.push(record);
    this.centralBytes += centralSize(record);
  }

  private async abort(p: Progress, err: unknown): Promise<never> {
    const reason =
      err instanceof EntryAbortedError
        ? err
        : new EntryAbortedError(p.name, `source failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    if (p.headerWritten && !patchesHeader(p)) {
      const message = `entry "${p.name}" failed after its bytes were written to a sink that cannot take them back`;
      throw this.breakWith(new ZipWriterBrokenError(message, { cause: reason }));
    }
    if (p.headerWritten) {
      await this.sinkCall('truncate', () => this.sink.patching!.truncate(p.headerOffset));
      this.position = p.headerOffset;
    }
    this.current = undefined;
    this.state = 'ready';
    throw reason;
  }

  private async write(bytes: Uint8Array): Promise<void> {
    await this.sinkCall('write', () => this.sink.write(bytes));
    this.position += bytes.length;
  }

  private async sinkCall(what: string, call: () => Promise<void>): Promise<void> {
    try {
      await call();
    } catch (err) {
      throw this.breakWith(new ZipWriterBrokenError(`sink ${what} failed`, { cause: err }));
    }
  }

  private breakWith(err: ZipWriterBrokenError): ZipWriterBrokenError {
    this.state = 'broken';
    this.brokenBy = err;
    return err;
  }

  private expect(state: State, op: string): void {
    if (this.state === 'broken') throw this.brokenBy!;
    if (this.state !== state) throw new Error(`ZipWriter.${op}() is not allowed while the writer is ${this.state}`);
  }
}
