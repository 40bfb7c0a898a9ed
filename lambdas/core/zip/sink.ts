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
