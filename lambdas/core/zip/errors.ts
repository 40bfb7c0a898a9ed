/**
 * Typed failures of the ZIP writer. The split that matters to a caller:
 * an EntryAbortedError leaves the writer usable (the entry is simply not in
 * the archive); a ZipWriterBrokenError means this archive cannot be
 * completed and the writer refuses further use.
 */

/** The entry was left out of the archive; the writer can take the next entry. */
export class EntryAbortedError extends Error {
  override name = 'EntryAbortedError';
  constructor(
    readonly entryName: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The source sent more than `maxBytes`; it was cut off there. */
export class EntryTooLargeError extends EntryAbortedError {
  override name = 'EntryTooLargeError';
  constructor(
    entryName: string,
    readonly maxBytes: number,
  ) {
    super(entryName, 'too large');
  }
}

/** The source sent more or fewer bytes than the size announced in the entry's meta. */
export class EntrySizeMismatchError extends EntryAbortedError {
  override name = 'EntrySizeMismatchError';
  constructor(
    entryName: string,
    readonly expected: number,
    /** Bytes received; when the source sent more, counted up to the first chunk past `expected`. */
    readonly received: number,
  ) {
    super(
      entryName,
      received > expected
        ? `size mismatch: announced ${expected} bytes, source sent more (at least ${received})`
        : `size mismatch: announced ${expected} bytes, source sent ${received}`,
    );
  }
}

/**
 * The archive is unusable: an entry failed after some of its bytes reached a
 * sink that cannot take them back, or the sink itself failed. `cause` says
 * why (an EntryAbortedError for entry failures, the sink's error otherwise).
 */
export class ZipWriterBrokenError extends Error {
  override name = 'ZipWriterBrokenError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
