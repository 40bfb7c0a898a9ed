/**
 * Streaming raw deflate over an async source, as an async generator of
 * compressed chunks. The consumer's pace (awaiting the sink) propagates back
 * to the source through the zlib stream's backpressure, so memory stays flat.
 *
 * A stream can pause mid-file and be continued later by another process:
 * pausing ends the output with a full flush (Z_FULL_FLUSH: all output so
 * far, byte-aligned, and no back-references past this point) and no final
 * block, so a fresh deflate stream over the rest of the file, appended, makes
 * one valid raw deflate stream. zlib's state never needs saving.
 */
import { constants, createDeflateRaw, type DeflateRaw } from 'node:zlib';

export type ByteSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** windowBits and memLevel are pinned: layout.deflateBound assumes zlib's defaults. */
const WINDOW_BITS = 15;
const MEM_LEVEL = 8;
const OUTPUT_CHUNK = 64 * 1024;
/**
 * Each write to a zlib stream is a round trip to the thread pool: network
 * chunks of a few KiB would spend more time there than compressing. Small
 * chunks are therefore gathered (copied) into batches of this size first.
 */
const BATCH = 1024 * 1024;

/**
 * Resolves once zlib has consumed `chunk` (its write callback), or the
 * stream is gone: a destroyed stream may never call back.
 */
function consumed(z: DeflateRaw, chunk: Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      z.off('close', done);
      resolve();
    };
    z.on('close', done);
    z.write(chunk, done);
  });
}

/** Resolves once zlib has flushed with Z_FULL_FLUSH (its output is then pushed), or the stream is gone. */
function fullFlush(z: DeflateRaw): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      z.off('close', done);
      resolve();
    };
    z.on('close', done);
    z.flush(constants.Z_FULL_FLUSH, done);
  });
}

/**
 * Compresses `source`, calling `onInput` for every input chunk before it is
 * compressed (to count, CRC and enforce limits: if it throws, that error ends
 * the generator). Errors of the source surface from the generator as well.
 * `shouldPause` is asked after each input chunk: true stops reading there,
 * ends the output with a full flush instead of a final block, and makes the
 * generator return true (false: the source ended and the stream is final).
 */
export async function* deflateRaw(
  source: ByteSource,
  level: number,
  onInput: (chunk: Uint8Array) => void,
  shouldPause?: () => boolean,
): AsyncGenerator<Buffer, boolean> {
  const z = createDeflateRaw({ level, windowBits: WINDOW_BITS, memLevel: MEM_LEVEL, chunkSize: OUTPUT_CHUNK });
  // Double buffering: one batch compressing and at most one more queued
  // behind it, so zlib never idles while the next batch is being gathered
  // (waiting for 'drain' would, since it fires only once zlib has run dry).
  let previous: Promise<void> | undefined;
  const feed = async (chunk: Uint8Array): Promise<void> => {
    const next = consumed(z, chunk);
    if (previous) await previous;
    previous = next;
  };
  let paused = false;
  // The feeder never rejects: its failures destroy the stream, which the
  // consumer loop below rethrows. It is not awaited on exit, so a source
  // stuck in a slow read cannot hold up an aborted entry.
  void (async () => {
    let batch: Buffer | undefined;
    let used = 0;
    const flush = async (): Promise<void> => {
      if (batch && used > 0) await feed(batch.subarray(0, used));
      batch = undefined; // zlib may still read the flushed one: never reuse it
      used = 0;
    };
    try {
      for await (const chunk of source) {
        if (z.destroyed) return;
        onInput(chunk);
        if (chunk.length >= BATCH) {
          await flush();
          await feed(chunk);
        } else if (chunk.length > 0) {
          if (used + chunk.length > BATCH) await flush();
          batch ??= Buffer.allocUnsafe(BATCH);
          batch.set(chunk, used);
          used += chunk.length;
        }
        if (z.destroyed) return;
        if (shouldPause?.()) {
          await flush();
          await previous; // zlib has taken every byte counted by onInput
          await fullFlush(z);
          if (z.destroyed) return;
          paused = true;
          // Ends the readable side once the flushed output is read; leaving the loop closes the source.
          z.push(null);
          return;
        }
      }
      await flush();
      z.end();
    } catch (err) {
      z.destroy(err as Error);
    }
  })();
  try {
    for await (const out of z) yield out as Buffer;
  } finally {
    z.destroy();
  }
  return paused;
}
