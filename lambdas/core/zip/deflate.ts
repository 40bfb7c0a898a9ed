/**
 * Streaming raw deflate over an async source, as an async generator of
 * compressed chunks. The consumer's pace (awaiting the sink) propagates back
 * to the source through the zlib stream's backpressure, so memory stays flat.
 */
import { createDeflateRaw, type DeflateRaw } from 'node:zlib';

export type ByteSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** windowBits and memLevel are pinned: layout.deflateBound assumes zlib's defaults. */
const WINDOW_BITS = 15;
const MEM_LEVEL = 8;
const OUTPUT_CHUNK = 64 * 1024;

function drainedOrClosed(z: DeflateRaw): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      z.off('drain', done);
      z.off('close', done);
      resolve();
    };
    z.on('drain', done);
    z.on('close', done);
  });
}

/**
 * Compresses `source`, calling `onInput` for every input chunk before it is
 * compressed (to count, CRC and enforce limits: if it throws, that error ends
 * the generator). Errors of the source surface from the generator as well.
 */
export async function* deflateRaw(
  source: ByteSource,
  level: number,
  onInput: (chunk: Uint8Array) => void,
): AsyncGenerator<Buffer> {
  const z = createDeflateRaw({ level, windowBits: WINDOW_BITS, memLevel: MEM_LEVEL, chunkSize: OUTPUT_CHUNK });
  // The feeder never rejects: its failures destroy the stream, which the
  // consumer loop below rethrows. It is not awaited on exit, so a source
  // stuck in a slow read cannot hold up an aborted entry.
  void (async () => {
    try {
      for await (const chunk of source) {
        if (z.destroyed) return;
        onInput(chunk);
        if (chunk.length > 0 && !z.write(chunk)) await drainedOrClosed(z);
        if (z.destroyed) return;
      }
      z.end();
    } catch (err) {
      z.destroy(err instanceof Error ? err : new Error(String(err)));
    }
  })();
  try {
    for await (const out of z) yield out as Buffer;
  } finally {
    z.destroy();
  }
}
