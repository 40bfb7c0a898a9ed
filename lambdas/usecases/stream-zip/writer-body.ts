/**
 * A stream ZIP without an exact length (DEFLATE entries, or a size the
 * source did not tell): the shared ZipWriter writes it, entry by entry, into
 * the response. Its sink cannot patch, so every entry has a data descriptor,
 * as in the exact layout; DEFLATE output is the same on every download
 * (same zlib, level and input), so the bytes are too.
 */
import type { Bin, BinEntry } from '../../core/jobs/model';
import { ZipWriter, type ZipSink } from '../../core/zip';
import type { PinnedBody } from '../../core/fetch';
import { checkStoredObjects, openEntry, type StreamFetchOptions } from './sources';

/**
 * Hands the writer's chunks to the response one at a time: a write resolves
 * once the response has taken the chunk, so a slow client slows the sources.
 */
class ResponseSink implements ZipSink {
  private waiting?: { chunk: Uint8Array; taken: () => void; refused: (e: Error) => void };
  private wake?: () => void;
  private closed = false;
  private error?: unknown;
  private written = 0;

  constructor(private readonly maxBytes: number) {}

  write(chunk: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the response is gone'));
    this.written += chunk.length;
    if (this.written > this.maxBytes) return Promise.reject(new Error(`the archive would exceed ${this.maxBytes} bytes`));
    return new Promise((taken, refused) => {
      this.waiting = { chunk, taken, refused };
      this.wake?.();
    });
  }

  end(error?: unknown): void {
    this.error = error;
    this.closed = true;
    this.wake?.();
  }

  async *chunks(): AsyncGenerator<Uint8Array> {
    try {
      for (;;) {
        if (this.waiting) {
          const { chunk, taken } = this.waiting;
          this.waiting = undefined;
          taken();
          yield chunk;
          continue;
        }
        if (this.closed) {
          if (this.error !== undefined) throw this.error;
          return;
        }
        await new Promise<void>((r) => (this.wake = r));
        this.wake = undefined;
      }
    } finally {
      this.closed = true;
      this.waiting?.refused(new Error('the response is gone'));
    }
  }
}

/** Opens the first source before anything is sent (a failure there can still be answered); the rest open as the writer reaches them. */
export async function writerBody(options: StreamFetchOptions, bin: Bin, maxBytes: number): Promise<AsyncIterable<Uint8Array>> {
  const open = (e: BinEntry) => openEntry(options, e, maxBytes);
  await checkStoredObjects(options, bin.entries);
  const first = bin.entries.length > 0 ? await open(bin.entries[0]!) : undefined;
  const sink = new ResponseSink(maxBytes);
  const writer = new ZipWriter(sink);
  let current: PinnedBody | undefined = first;
  const write = async () => {
    for (const [i, entry] of bin.entries.entries()) {
      current = i === 0 ? first! : await open(entry);
      const pin = entry.stream!;
      await writer.addEntry({ name: pin.name, method: pin.method, ...(entry.size !== undefined && { size: entry.size }), mtime: new Date(pin.mtime) }, current.body);
      current = undefined;
    }
    await writer.finish();
  };
  return (async function* () {
    const done = write().then(
      () => sink.end(),
      (error: unknown) => sink.end(error instanceof Error && error.cause instanceof Error ? rootCause(error) : error),
    );
    try {
      yield* sink.chunks();
    } finally {
      current?.close();
      await done;
    }
  })();
}

/** The source's own error under the writer's wrappers (EntryAbortedError, ZipWriterBrokenError). */
function rootCause(error: Error): unknown {
  let e: unknown = error;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e;
}
