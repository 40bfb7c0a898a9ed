import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EntryAbortedError,
  EntrySizeMismatchError,
  EntryTooLargeError,
  ZipWriter,
  ZipWriterBrokenError,
  type ZipMethod,
} from '../../lambdas/core/zip/index';
import { MTIME, buildZip, chunksOf, entrySpecs, metaOf, patternBytes, sourceOf } from '../support/zip-fixtures';
import { readZipWithYauzl } from '../support/zip-readers';
import { MemorySink } from '../support/zip-sinks';

/** A source that yields `data` in chunks, then throws (if `fail`), and records how far it got. */
function tracked(data: Uint8Array, chunk: number, fail?: Error) {
  const t = { yielded: 0, closed: false };
  async function* gen(): AsyncGenerator<Uint8Array> {
    try {
      for (const c of chunksOf(data, [chunk])) {
        t.yielded += c.length;
        yield c;
      }
      if (fail) throw fail;
    } finally {
      t.closed = true;
    }
  }
  return { source: gen(), t };
}

const ok = (name: string, text: string) => ({ meta: { name, method: 'store' as const, mtime: MTIME }, data: Buffer.from(text) });

describe('entry failures with a patching sink', () => {
  it('a source that throws mid-entry leaves an archive identical to one without that entry', async () => {
    await fc.assert(
      fc.asyncProperty(
        entrySpecs({ maxLength: 5 }),
        fc.nat(),
        fc.constantFrom<ZipMethod>('store', 'deflate'),
        fc.integer({ min: 1, max: 200_000 }),
        async (specs, at, method, failAfter) => {
          const sink = new MemorySink({ patching: true });
          const writer = new ZipWriter(sink);
          const boom = new Error('connection reset');
          const insertAt = at % (specs.length + 1);
          for (let i = 0; i <= specs.length; i++) {
            if (i === insertAt) {
              const { source } = tracked(patternBytes(7, failAfter), 16_384, boom);
              const err = await writer.addEntry({ name: 'failing.bin', method, mtime: MTIME }, source).catch((e: unknown) => e);
              expect(err).toBeInstanceOf(EntryAbortedError);
              expect((err as EntryAbortedError).cause).toBe(boom);
              expect((err as EntryAbortedError).entryName).toBe('failing.bin');
            }
            const s = specs[i];
            if (s) await writer.addEntry(metaOf(s), sourceOf(s));
          }
          await writer.finish();
          expect(sink.heldCount).toBe(0);
          const expected = await buildZip(specs, { patching: true });
          expect(sink.bytes().equals(expected.bytes)).toBe(true);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('maxBytes cuts the source off with "too large" and the writer goes on', async () => {
    for (const method of ['store', 'deflate'] as const) {
      const sink = new MemorySink({ patching: true });
      const writer = new ZipWriter(sink);
      const { source, t } = tracked(patternBytes(1, 100_000), 1000);
      const err = await writer.addEntry({ name: 'big', method, mtime: MTIME, maxBytes: 10_000 }, source).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EntryTooLargeError);
      expect(err).toBeInstanceOf(EntryAbortedError);
      expect((err as Error).message).toBe('too large');
      expect(t.closed).toBe(true);
      expect(t.yielded).toBeLessThan(100_000);
      const { meta, data } = ok('after.txt', 'after');
      await writer.addEntry(meta, [data]);
      await writer.finish();
      expect((await readZipWithYauzl(sink.bytes())).map((e) => e.name)).toEqual(['after.txt']);
    }
  });

  it('a source of exactly maxBytes is accepted', async () => {
    const sink = new MemorySink({ patching: true });
    const writer = new ZipWriter(sink);
    const data = patternBytes(2, 4096);
    await writer.addEntry({ name: 'fits', method: 'store', mtime: MTIME, maxBytes: 4096 }, chunksOf(data, [1000]));
    await writer.finish();
    expect((await readZipWithYauzl(sink.bytes()))[0]!.data.equals(data)).toBe(true);
  });

  it('an announced size above maxBytes is refused before anything is written', async () => {
    const sink = new MemorySink({ patching: false });
    const writer = new ZipWriter(sink);
    const err = await writer
      .addEntry({ name: 'x', method: 'store', mtime: MTIME, size: 11, maxBytes: 10 }, [Buffer.alloc(11)])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EntryTooLargeError);
    expect(sink.writes).toBe(0);
    expect(await writer.finish()).toBe(22);
  });

  it.each([
    ['store', 'more', 1001],
    ['store', 'fewer', 999],
    ['deflate', 'more', 1001],
    ['deflate', 'fewer', 999],
  ] as const)('%s: a source sending %s bytes than announced is a size mismatch', async (method, _, sent) => {
    const sink = new MemorySink({ patching: true });
    const writer = new ZipWriter(sink);
    const { source, t } = tracked(patternBytes(3, sent), 100);
    const err = await writer.addEntry({ name: 'x', method, mtime: MTIME, size: 1000 }, source).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EntrySizeMismatchError);
    expect(err).toBeInstanceOf(EntryAbortedError);
    expect((err as EntrySizeMismatchError).expected).toBe(1000);
    expect((err as Error).message).toMatch(/size mismatch: announced 1000 bytes/);
    expect(t.closed).toBe(true);
    expect(await writer.finish()).toBe(22);
  });
});

describe('entry failures without a patching sink', () => {
  it('a failure after bytes were written breaks the writer for good', async () => {
    const sink = new MemorySink({ patching: false });
    const writer = new ZipWriter(sink);
    const boom = new Error('socket hang up');
    const { source } = tracked(patternBytes(4, 50_000), 10_000, boom);
    const err = await writer.addEntry({ name: 'x', method: 'store', mtime: MTIME }, source).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZipWriterBrokenError);
    const cause = (err as ZipWriterBrokenError).cause;
    expect(cause).toBeInstanceOf(EntryAbortedError);
    expect((cause as EntryAbortedError).cause).toBe(boom);
    const { meta, data } = ok('next', 'n');
    await expect(writer.addEntry(meta, [data])).rejects.toBe(err);
    await expect(writer.finish()).rejects.toBe(err);
    expect(() => writer.checkpoint()).toThrow(ZipWriterBrokenError);
  });

  it('too large after bytes were written is reported as the broken writer\'s cause', async () => {
    const writer = new ZipWriter(new MemorySink({ patching: false }));
    const { source } = tracked(patternBytes(5, 5000), 1000);
    const err = await writer.addEntry({ name: 'x', method: 'store', mtime: MTIME, maxBytes: 2500 }, source).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZipWriterBrokenError);
    expect((err as Error).cause).toBeInstanceOf(EntryTooLargeError);
  });

  it('a source failing before its first byte costs nothing: the entry is simply left out', async () => {
    for (const method of ['store', 'deflate'] as const) {
      const sink = new MemorySink({ patching: false });
      const writer = new ZipWriter(sink);
      const { source } = tracked(Buffer.alloc(0), 1, new Error('ENOTFOUND'));
      await expect(writer.addEntry({ name: 'x', method, mtime: MTIME }, source)).rejects.toBeInstanceOf(EntryAbortedError);
      const { meta, data } = ok('ok.txt', 'fine');
      await writer.addEntry(meta, [data]);
      await writer.finish();
      expect((await readZipWithYauzl(sink.bytes())).map((e) => [e.name, e.data.toString()])).toEqual([['ok.txt', 'fine']]);
    }
  });
});

describe('sink failures and misuse', () => {
  it('a failing sink write breaks the writer, with the sink error as cause', async () => {
    const disk = new Error('disk full');
    const sink = new MemorySink({
      patching: true,
      beforeWrite: (offset) => {
        if (offset > 100) throw disk;
      },
    });
    const writer = new ZipWriter(sink);
    const err = await writer
      .addEntry({ name: 'x', method: 'store', mtime: MTIME }, chunksOf(patternBytes(6, 1000), [50]))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZipWriterBrokenError);
    expect((err as Error).cause).toBe(disk);
    await expect(writer.finish()).rejects.toBe(err);
  });

  it('rejects a second entry while one is being written, and bad meta, without harm', async () => {
    const sink = new MemorySink({ patching: true });
    const writer = new ZipWriter(sink);
    const first = writer.addEntry({ name: 'a', method: 'store', mtime: MTIME }, [Buffer.from('a')]);
    await expect(writer.addEntry({ name: 'b', method: 'store', mtime: MTIME }, [])).rejects.toThrow(/not allowed while the writer is busy/);
    await first;
    await expect(writer.addEntry({ name: '', method: 'store', mtime: MTIME }, [])).rejects.toBeInstanceOf(TypeError);
    await expect(writer.addEntry({ name: 'n', method: 'store', mtime: new Date(NaN) }, [])).rejects.toBeInstanceOf(TypeError);
    await expect(writer.addEntry({ name: 'n', method: 'store', mtime: MTIME, size: -1 }, [])).rejects.toBeInstanceOf(TypeError);
    await expect(writer.addEntry({ name: 'n', method: 'bzip2' as ZipMethod, mtime: MTIME }, [])).rejects.toBeInstanceOf(TypeError);
    await writer.finish();
    await expect(writer.addEntry({ name: 'late', method: 'store', mtime: MTIME }, [])).rejects.toThrow(/finished/);
    expect((await readZipWithYauzl(sink.bytes())).map((e) => e.name)).toEqual(['a']);
  });

  it('rejects a deflate level outside 0–9', () => {
    expect(() => new ZipWriter(new MemorySink({ patching: true }), { deflateLevel: 10 })).toThrow(TypeError);
  });
});
