/**
 * Where the ZIP writer sends its bytes. The writer only ever appends, except
 * through the optional capabilities below, which let a sink that still holds
 * earlier bytes (the S3 multipart sink keeps the part that holds an entry's
 * local header until that entry is done) accept a patch or a rewind. With
 * them the writer needs no data descriptors at all: the local header's CRC
 * and sizes are patched in once known.
 */
export interface ZipSink {
  /** Appends bytes at the current end. Resolves when the sink can take more. */
  write(chunk: Uint8Array): Promise<void>;
  /**
   * Present only on sinks that can patch. `hold(offset)` is a promise from the
   * writer that it will later call `patch(offset, bytes)` (or `truncate` to at
   * most `offset`): the sink must keep the bytes from `offset` on until then.
   */
  readonly patching?: {
    hold(offset: number): void;
    patch(offset: number, bytes: Uint8Array): Promise<void>;
    /** Discards everything from `offset` on; the next write lands at `offset`. Only for an offset still held. */
    truncate(offset: number): Promise<void>;
  };
}

/** A resumable sink's state between runs: plain JSON, plus the bytes it has not stored yet (`data`, in part order). */
export interface ResumableSinkState {
  readonly uploadId?: string;
  /** Every part so far; `etag` once stored, else its `filled` bytes are in `data`. */
  readonly parts: readonly { number: number; start: number; size: number; filled: number; etag?: string }[];
}

/**
 * A sink that outlives a run (a multipart upload): its state can be saved
 * with a checkpoint and restored by a later run, and it ends by completing
 * the object or aborting it.
 */
export interface ResumableZipSink extends ZipSink {
  /** Waits for the writes in flight, then describes the sink. */
  exportState(): Promise<{ state: ResumableSinkState; data: Uint8Array }>;
  /** Stores what remains and makes the object; returns its size. */
  complete(): Promise<number>;
  /** Waits for the writes in flight to end, however they end. */
  settle(): Promise<void>;
  /** Gives up: nothing is left to bill. */
  abort(): Promise<void>;
}

/** One object's multipart upload, call by call: what the builds of one archive's segments share. */
export interface PartUploads {
  create(): Promise<string>;
  /** Stores part `number`; returns its ETag. */
  upload(uploadId: string, number: number, body: Uint8Array): Promise<string>;
  complete(uploadId: string, parts: readonly { readonly number: number; readonly etag: string }[]): Promise<void>;
  abort(uploadId: string): Promise<void>;
}
