import type { S3Client } from '@aws-sdk/client-s3';
import { MAX_PARTS, MiB, uniformPartSize } from '../core/zip/parts';
import type { ResumableSinkState, ResumableZipSink } from '../core/zip/sink';
import { S3PartUploads } from './part-uploads';

export interface MultipartSinkOptions {
  readonly bucket: string;
  readonly key: string;
  readonly contentType?: string;
  readonly contentDisposition?: string;
  /** Parts uploading at once; memory is about (queue + 3) × part size. */
  readonly queueSize?: number;
  /** Size of parts 1–1000; every further thousand parts grow by this much (S3 allows 10,000 parts). */
  readonly basePartSize?: number;
  /**
   * Every part this size instead (the last one no larger): R2 refuses an
   * upload whose parts differ, S3 takes it too. See `uniformPartSize`.
   */
  readonly uniformPartSize?: number;
  /** An upload created earlier (a resumed build): parts go there instead of a new upload. */
  readonly uploadId?: string;
  /** Called (and awaited before any part uploads) once a new multipart upload exists: record its id for recovery. */
  readonly onUploadCreated?: (uploadId: string) => Promise<void>;
  /** Where the first byte written goes when the sink starts empty: part `number` at archive offset `start` (one segment of an archive others write too). */
  readonly firstPart?: { readonly number: number; readonly start: number };
}

/** A sink's state between Lambda runs: the upload, its parts, and the bytes not yet uploaded. */
export type MultipartSinkState = ResumableSinkState;

/** Part n's size: 10, 20, … 100 MiB per thousand parts, so 10,000 parts hold 550 GiB. */
export function partSizeFor(partNumber: number, base = 10 * MiB): number {
  return base * (Math.floor((partNumber - 1) / 1000) + 1);
}

export { uniformPartSize };

interface Part {
  readonly number: number;
  readonly start: number;
  readonly size: number;
  /** The part's bytes until uploaded; one copy in, patched in place. */
  buf?: Buffer;
  filled: number;
  etag?: string;
  uploading?: Promise<void>;
}

/**
 * A ZipSink that streams into an S3 multipart upload with bounded memory.
 * Parts upload in parallel as they fill, except the ones holding a local
 * header that the writer will patch (the part with the header and the next,
 * since a header may straddle a boundary): those wait in memory until the
 * patch arrives. Parts may upload in any order; a rewind re-uploads the same
 * part numbers, which S3 overwrites.
 */
export class MultipartSink implements ResumableZipSink {
  private readonly parts: Part[] = [];
  private readonly held = new Set<number>();
  private uploadId?: string;
  private inFlight = 0;
  private failure: unknown;
  private readonly queueSize: number;
  private readonly basePartSize: number;
  private readonly uploads: S3PartUploads;

  constructor(
    s3: S3Client,
    private readonly options: MultipartSinkOptions,
  ) {
    this.uploads = new S3PartUploads(s3, options);
    this.queueSize = options.queueSize ?? 4;
    this.basePartSize = options.basePartSize ?? 10 * MiB;
    this.uploadId = options.uploadId;
  }

  /**
   * Waits for uploads in flight, then describes the sink: uploaded parts with
   * their ETags, and the bytes of every part still in memory (the held ones
   * and the current partial part) as one buffer.
   */
  async exportState(): Promise<{ state: MultipartSinkState; data: Buffer }> {
    await Promise.all(this.parts.map((p) => p.uploading));
    this.throwIfFailed();
    const chunks: Buffer[] = [];
    const parts = this.parts.map((p) => {
      if (p.etag) return { number: p.number, start: p.start, size: p.size, filled: p.filled, etag: p.etag };
      chunks.push(p.buf!.subarray(0, p.filled));
      return { number: p.number, start: p.start, size: p.size, filled: p.filled };
    });
    return { state: { ...(this.uploadId !== undefined && { uploadId: this.uploadId }), parts }, data: Buffer.concat(chunks) };
  }

  /** A sink positioned where `exportState()` left one (the writer re-holds its header offsets on resume). */
  static restore(s3: S3Client, options: MultipartSinkOptions, state: MultipartSinkState, data: Uint8Array): MultipartSink {
    const sink = new MultipartSink(s3, { ...options, uploadId: state.uploadId ?? options.uploadId });
    let at = 0;
    for (const p of state.parts) {
      const part: Part = { number: p.number, start: p.start, size: p.size, filled: p.filled, ...(p.etag !== undefined && { etag: p.etag }) };
      if (!p.etag) {
        if (at + p.filled > data.byteLength) throw new Error('sink state: pending bytes are missing');
        part.buf = Buffer.allocUnsafe(p.size);
        part.buf.set(data.subarray(at, at + p.filled));
        at += p.filled;
      }
      sink.parts.push(part);
    }
    if (at !== data.byteLength) throw new Error('sink state: pending bytes do not match its parts');
    return sink;
  }

  readonly patching = {
    hold: (offset: number) => {
      this.held.add(offset);
    },
    patch: async (offset: number, bytes: Uint8Array) => {
      this.overwrite(offset, bytes);
      this.held.delete(offset);
      await this.uploadReady();
    },
    truncate: async (offset: number) => {
      for (const h of this.held) if (h >= offset) this.held.delete(h);
      await this.rewind(offset);
    },
  };

  get size(): number {
    const last = this.parts.at(-1);
    return last ? last.start + last.filled : (this.options.firstPart?.start ?? 0);
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.throwIfFailed();
    let done = 0;
    while (done < chunk.byteLength) {
      const part = this.openPart();
      const take = Math.min(part.size - part.filled, chunk.byteLength - done);
      part.buf!.set(chunk.subarray(done, done + take), part.filled);
      part.filled += take;
      done += take;
    }
    await this.uploadReady();
    while (this.inFlight >= this.queueSize) await this.oneUploadSettles();
    this.throwIfFailed();
  }

  /** Uploads what remains and completes the object; returns its size. */
  async complete(): Promise<number> {
    if (this.held.size > 0) throw new Error('complete() while a header is still waiting for its patch');
    const size = this.size;
    if (!this.uploadId && this.parts.length <= 1) {
      // Small archive: one PutObject instead of a multipart upload.
      const part = this.parts[0];
      const body = part?.buf ? part.buf.subarray(0, part.filled) : Buffer.alloc(0);
      await this.uploads.put(body);
      return size;
    }
    for (const part of this.parts) if (!part.etag && !part.uploading) this.startUpload(part);
    await Promise.all(this.parts.map((p) => p.uploading));
    this.throwIfFailed();
    await this.uploads.complete(this.uploadId!, this.parts.map((p) => ({ number: p.number, etag: p.etag! })));
    return size;
  }

  /** Waits for the part uploads in flight to end, however they end. */
  async settle(): Promise<void> {
    await Promise.allSettled(this.parts.map((p) => p.uploading));
  }

  /** Gives up: nothing is left to bill (lifecycle rules are the safety net if this call fails). */
  async abort(): Promise<void> {
    await this.settle();
    if (!this.uploadId) return;
    await this.uploads.abort(this.uploadId);
  }

  private openPart(): Part {
    const last = this.parts.at(-1);
    if (last && last.filled < last.size) return last;
    const first = this.options.firstPart ?? { number: 1, start: 0 };
    const number = last ? last.number + 1 : first.number;
    if (number > MAX_PARTS) throw new Error('archive exceeds the 10,000 parts of an S3 multipart upload');
    const size = this.options.uniformPartSize ?? partSizeFor(number, this.basePartSize);
    const part: Part = { number, start: last ? last.start + last.size : first.start, size, buf: Buffer.allocUnsafe(size), filled: 0 };
    this.parts.push(part);
    return part;
  }

  private partAt(offset: number): Part | undefined {
    return this.parts.find((p) => offset >= p.start && offset < p.start + p.size);
  }

  /** A full part may go unless it holds, or directly follows the part holding, a header awaiting its patch. */
  private isPinned(part: Part): boolean {
    for (const offset of this.held) {
      const holder = this.partAt(offset);
      if (holder && (holder.number === part.number || holder.number + 1 === part.number)) return true;
    }
    return false;
  }

  private async uploadReady(): Promise<void> {
    for (const part of this.parts) {
      if (part.filled === part.size && !part.etag && !part.uploading && !this.isPinned(part)) this.startUpload(part);
    }
  }

  private startUpload(part: Part): void {
    const body = part.buf!.subarray(0, part.filled);
    this.inFlight++;
    part.uploading = (async () => {
      try {
        this.uploadId ??= await this.createUpload();
        part.etag = await this.uploads.upload(this.uploadId, part.number, body);
        part.buf = undefined;
      } catch (error) {
        this.failure ??= error;
      } finally {
        this.inFlight--;
        part.uploading = undefined;
      }
    })();
  }

  private creating?: Promise<string>;
  private createUpload(): Promise<string> {
    this.creating ??= this.uploads.create().then(async (id) => {
      await this.options.onUploadCreated?.(id);
      return id;
    });
    return this.creating;
  }

  private async oneUploadSettles(): Promise<void> {
    await Promise.race(this.parts.filter((p) => p.uploading).map((p) => p.uploading));
  }

  private overwrite(offset: number, bytes: Uint8Array): void {
    let written = 0;
    while (written < bytes.length) {
      const at = offset + written;
      const part = this.partAt(at);
      if (!part?.buf || part.uploading) throw new Error(`patch at ${at} after its part was uploaded`);
      const n = Math.min(bytes.length - written, part.start + part.filled - at);
      if (n <= 0) throw new Error(`patch at ${at} beyond the written end`);
      part.buf.set(bytes.subarray(written, written + n), at - part.start);
      written += n;
    }
  }

  private async rewind(offset: number): Promise<void> {
    await Promise.all(this.parts.map((p) => p.uploading));
    const part = this.partAt(offset) ?? this.parts.at(-1);
    if (!part) return;
    if (!part.buf) throw new Error(`cannot rewind to ${offset}: its part was uploaded`);
    part.filled = Math.max(0, offset - part.start);
    // Later parts are dropped; their numbers are uploaded again as the archive regrows.
    this.parts.splice(this.parts.indexOf(part) + 1);
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }
}
