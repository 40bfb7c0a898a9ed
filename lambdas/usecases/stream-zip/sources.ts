/**
 * Opening a stream ZIP's sources at download time, always as the version
 * pinned when they were probed. Every failure is a FetchError naming what
 * went wrong; the caller decides whether it can still answer 502 or must
 * abort the response.
 */
import { crc32 } from 'node:zlib';
import { FetchError, openPinned, openSource, type OpenedSource, type OpenOptions, type PinnedBody } from '../../core/fetch';
import type { BinEntry, PinnedSource } from '../../core/jobs/model';
import { isObjectUrl, type ObjectPin } from '../../core/objects';
import { mapConcurrent } from '../../core/packing';

/** Opens a stored object (`s3://`) of the job's tenant at its pinned version: bytes `[rangeStart, rangeEnd)`. */
export type StreamObjectOpener = (url: string, pin: ObjectPin, req: { readonly maxBytes: number; readonly rangeStart: number; readonly rangeEnd: number }) => Promise<OpenedSource>;

/** A job's stored objects: opened as BuildZip reads them, and checked (still there, unchanged) before a download's first byte. */
export interface StreamObjects {
  readonly open: StreamObjectOpener;
  readonly check: (url: string, pin: ObjectPin) => Promise<void>;
}

export type StreamFetchOptions = Omit<OpenOptions, 'maxBytes' | 'rangeStart' | 'ifRange'> & {
  readonly objects?: StreamObjects;
};

const objectPinOf = (entry: BinEntry): ObjectPin => entry.object ?? (entry.stream?.etag !== undefined ? { etag: entry.stream.etag } : {});

/** Stored objects are cheap to ask about: each one a download will read is checked before it sends anything. */
const CHECK_CONCURRENCY = 16;

export async function checkStoredObjects(options: StreamFetchOptions, entries: readonly BinEntry[]): Promise<void> {
  const stored = entries.filter((e) => isObjectUrl(e.url) && e.size !== 0);
  if (stored.length === 0) return;
  const objects = options.objects;
  if (!objects) throw new SourceError(stored[0]!.url, FetchError.unsupportedProtocol());
  await mapConcurrent(stored, CHECK_CONCURRENCY, (e) => named(e, () => objects.check(e.url, objectPinOf(e))));
}

/** A source failure, with the URL the user asked for. */
export class SourceError extends Error {
  constructor(
    readonly url: string,
    override readonly cause: FetchError,
  ) {
    super(`${url}: ${cause.message}`);
  }
}

const pinOf = (entry: BinEntry & { stream: PinnedSource }) => ({
  size: entry.size!,
  acceptsRanges: entry.stream.accepts_ranges,
  ...(entry.stream.etag !== undefined && { etag: entry.stream.etag }),
  ...(entry.stream.last_modified !== undefined && { lastModified: entry.stream.last_modified }),
});

async function named<T>(entry: BinEntry, open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (error) {
    if (error instanceof FetchError) throw new SourceError(entry.url, error);
    throw error;
  }
}

/** Wraps a body so that its failures name the source too. */
async function* namedBody(entry: BinEntry, body: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  try {
    yield* body;
  } catch (error) {
    if (error instanceof FetchError) throw new SourceError(entry.url, error);
    throw error;
  }
}

/** Exactly `want` bytes of `body`: a body that ends sooner is a truncated transfer. */
async function* exactly(body: AsyncIterable<Buffer>, want: number): AsyncGenerator<Buffer> {
  let left = want;
  for await (const chunk of body) {
    if (chunk.length >= left) {
      yield chunk.subarray(0, left);
      return;
    }
    left -= chunk.length;
    yield chunk;
  }
  if (left > 0) throw FetchError.connection('ECONNRESET');
}

/** Bytes `[from, to)` of an entry of known size. */
export async function openEntryRange(options: StreamFetchOptions, entry: BinEntry, from: number, to: number): Promise<PinnedBody> {
  const pinned = entry as BinEntry & { stream: PinnedSource };
  if (isObjectUrl(entry.url)) {
    const objects = options.objects;
    if (!objects) throw new SourceError(entry.url, FetchError.unsupportedProtocol());
    const opened = await named(entry, () => objects.open(entry.url, objectPinOf(entry), { maxBytes: entry.size!, rangeStart: from, rangeEnd: to }));
    const body = opened.body as AsyncIterable<Buffer> & { destroy(): void };
    return { body: namedBody(entry, exactly(body, to - from)), close: () => body.destroy() };
  }
  const opened = await named(entry, () => openPinned(pinned.stream.url, pinOf(pinned), from, to, options));
  return { body: namedBody(entry, opened.body), close: opened.close };
}

/** The whole entry, of known size or not (a size-less source is only checked against its validators). */
export async function openEntry(options: StreamFetchOptions, entry: BinEntry, maxBytes: number): Promise<PinnedBody> {
  if (entry.size !== undefined) {
    if (entry.size === 0) return { body: (async function* () {})(), close: () => undefined };
    return openEntryRange(options, entry, 0, entry.size);
  }
  const pin = entry.stream!;
  const source = await named(entry, () => openSource(pin.url, { ...options, maxBytes }));
  const changed = (pin.etag !== undefined && source.etag !== pin.etag) || (pin.last_modified !== undefined && source.lastModified !== pin.last_modified);
  if (changed) {
    source.body.destroy();
    throw new SourceError(entry.url, FetchError.changed());
  }
  return { body: namedBody(entry, source.body as AsyncIterable<Buffer>), close: () => source.body.destroy() };
}

/** Reads an entry of known size in full for its CRC-32. */
export async function entryCrc(options: StreamFetchOptions, entry: BinEntry): Promise<number> {
  const opened = await openEntry(options, entry, entry.size ?? 0);
  let crc = 0;
  try {
    for await (const chunk of opened.body) crc = crc32(chunk, crc);
  } finally {
    opened.close();
  }
  return crc;
}
