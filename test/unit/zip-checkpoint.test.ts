import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZipWriter, assertCheckpoint, deflateBound, type EntryControl, type ZipCheckpoint } from '../../lambdas/core/zip/index';
import { DEFLATE_MAX_PAUSES, deflatePausesAllowed } from '../../lambdas/core/zip/layout';
import { MTIME, buildZip, chunksOf, dataOf, entrySpecs, metaOf, patternBytes, sourceOf } from '../support/zip-fixtures';
import { checkWithPython, checkWithUnzip, readZipWithYauzl } from '../support/zip-readers';
import { MemorySink } from '../support/zip-sinks';

/** What a Lambda would do: store the checkpoint as JSON and read it back. */
const throughJson = (cp: ZipCheckpoint): ZipCheckpoint => {
  const parsed: unknown = JSON.parse(JSON.stringify(cp));
  assertCheckpoint(parsed);
  return parsed;
};

/** Pauses after every `n` chunks taken. */
const pauseAfter = (n: number): EntryControl => {
  let seen = 0;
  return { shouldPause: () => ++seen % n === 0 };
};

describe('checkpoint and resume', () => {
  it('resuming at an entry boundary gives a byte-identical archive', async () => {
    await fc.assert(
      fc.asyncProperty(entrySpecs(), fc.nat(), fc.boolean(), async (specs, cutSeed, patching) => {
        const cut = cutSeed % (specs.length + 1);
        const first = new MemorySink({ patching });
        const w1 = new ZipWriter(first);
        for (const s of specs.slice(0, cut)) await w1.addEntry(metaOf(s), sourceOf(s));
        const cp = throughJson(w1.checkpoint());
        expect(cp.offset).toBe(first.size);
        expect(cp.entries).toHaveLength(cut);

        const second = new MemorySink({ patching, initial: first.bytes() });
        const w2 = ZipWriter.resume(second, cp);
        for (const s of specs.slice(cut)) await w2.addEntry(metaOf(s), sourceOf(s));
        await w2.finish();
        const oneShot = await buildZip(specs, { patching });
        expect(second.bytes().equals(oneShot.bytes)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('a STORE entry paused mid-file resumes from bytesDone and CRC into a byte-identical archive', async () => {
    await fc.assert(
      fc.asyncProperty(
        entrySpecs({ methods: ['store'] }).filter((s) => s.some((e) => e.size > 1)),
        fc.nat(),
        fc.nat(),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 50_000 }), { minLength: 1, maxLength: 3 }),
        async (specs, pickSeed, pauseSeed, patching, resumeChunks) => {
          const candidates = specs.flatMap((s, i) => (s.size > 1 ? [i] : []));
          const j = candidates[pickSeed % candidates.length]!;
          const target = { ...specs[j]!, chunkSizes: [Math.max(1, Math.floor(specs[j]!.size / 4))] };
          const all = specs.map((s, i) => (i === j ? target : s));
          const pauseAfter = 1 + (pauseSeed % 3); // chunks; the target has at least 4 unless tiny

          const first = new MemorySink({ patching });
          const w1 = new ZipWriter(first);
          for (const s of all.slice(0, j)) await w1.addEntry(metaOf(s), sourceOf(s));
          let seen = 0;
          const r = await w1.addEntry(metaOf(target), sourceOf(target), { shouldPause: () => ++seen >= pauseAfter });
          const data = dataOf(target);
          let cp: ZipCheckpoint | undefined;
          const second = new MemorySink({ patching, initial: first.bytes() });
          let w2 = w1;
          if (r.status === 'paused') {
            cp = throughJson(w1.checkpoint());
            expect(cp.current?.bytesDone).toBe(r.bytesDone);
            expect(cp.offset).toBe(first.size);
            await expect(w1.addEntry(metaOf(all[0]!), [])).rejects.toThrow(/paused/);
            w2 = ZipWriter.resume(second, cp);
            const rest = await w2.continueEntry(chunksOf(data.subarray(cp.current!.bytesDone), resumeChunks));
            expect(rest.status).toBe('written');
          }
          for (const s of all.slice(j + 1)) await w2.addEntry(metaOf(s), sourceOf(s));
          await w2.finish();
          const produced = r.status === 'paused' ? second.bytes() : first.bytes();
          const oneShot = await buildZip(all, { patching });
          expect(produced.equals(oneShot.bytes)).toBe(true);
          expect((r.status === 'paused' ? second : first).heldCount).toBe(0);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('a resumed entry still enforces its announced size', async () => {
    const sink = new MemorySink({ patching: true });
    const w1 = new ZipWriter(sink);
    const data = Buffer.alloc(1000, 1);
    const r = await w1.addEntry({ name: 'a', method: 'store', size: 1000, mtime: MTIME }, chunksOf(data, [100]), {
      shouldPause: () => true,
    });
    expect(r).toEqual({ status: 'paused', name: 'a', bytesDone: 100 });
    const w2 = ZipWriter.resume(new MemorySink({ patching: true, initial: sink.bytes() }), throughJson(w1.checkpoint()));
    await expect(w2.continueEntry([data.subarray(100, 999)])).rejects.toThrow(/size mismatch/);
    expect(w2.entryCount).toBe(0);
    expect(await w2.finish()).toBe(22);
  });

  it('refuses to resume an entry that needs patching onto an append-only sink', async () => {
    const w1 = new ZipWriter(new MemorySink({ patching: true }));
    await w1.addEntry({ name: 'a', method: 'store', mtime: MTIME }, [Buffer.alloc(10), Buffer.alloc(10)], { shouldPause: () => true });
    const cp = w1.checkpoint();
    expect(() => ZipWriter.resume(new MemorySink({ patching: false }), cp)).toThrow(/patching sink/);
    expect(() => ZipWriter.resume(new MemorySink({ patching: true }), { ...cp, offset: cp.offset + 1 })).toThrow(/offset/);
  });

  it('an entry begun with a data descriptor keeps it when resumed onto a patching sink', async () => {
    const first = new MemorySink({ patching: false });
    const w1 = new ZipWriter(first);
    const data = Buffer.alloc(300, 7);
    await w1.addEntry({ name: 'a', method: 'store', mtime: MTIME }, chunksOf(data, [100]), { shouldPause: () => true });
    const second = new MemorySink({ patching: true, initial: first.bytes() });
    const w2 = ZipWriter.resume(second, throughJson(w1.checkpoint()));
    await w2.continueEntry([data.subarray(100)]);
    await w2.addEntry({ name: 'b', method: 'store', mtime: MTIME }, [Buffer.from('b')]);
    await w2.finish();
    expect(second.heldCount).toBe(0);
    expect((await readZipWithYauzl(second.bytes())).map((e) => e.data.length)).toEqual([300, 1]);
  });

  it('a DEFLATE entry paused any number of times resumes, each run a fresh deflate stream, into a valid archive within the bound', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Up to 6 MiB: a pause is allowed once per MiB of input (deflatePausesAllowed).
        fc.integer({ min: 1, max: 6 * 1024 * 1024 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 16 * 1024, max: 512 * 1024 }),
        fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        async (size, compressible, level, chunk, pauseEvery, known) => {
          const data = patternBytes(size, size, compressible);
          const meta = { name: 'big.log', method: 'deflate' as const, mtime: MTIME, ...(known && { size }) };
          let sink = new MemorySink({ patching: true });
          let writer = new ZipWriter(sink, { deflateLevel: level });
          await writer.addEntry({ name: 'first.txt', method: 'store', mtime: MTIME }, [Buffer.from('first')]);
          // Run r pauses after pauseEvery[r] chunks (the last value repeats), as BuildZip's runs would.
          let run = 0;
          let r = await writer.addEntry(meta, chunksOf(data, [chunk]), pauseAfter(pauseEvery[0]!));
          while (r.status === 'paused') {
            const cp = throughJson(writer.checkpoint());
            expect(cp.current).toMatchObject({ method: 8, bytesDone: r.bytesDone, pauses: run + 1 });
            expect(run + 1).toBeLessThanOrEqual(deflatePausesAllowed(r.bytesDone));
            expect(cp.offset).toBe(sink.size);
            sink = new MemorySink({ patching: true, initial: sink.bytes() });
            writer = ZipWriter.resume(sink, cp, { deflateLevel: level });
            run++;
            r = await writer.continueEntry(chunksOf(data.subarray(r.bytesDone), [chunk]), pauseAfter(pauseEvery[Math.min(run, pauseEvery.length - 1)]!));
          }
          expect(r).toMatchObject({ status: 'written', size });
          if (r.status === 'written') expect(r.compressedSize).toBeLessThanOrEqual(deflateBound(size));
          await writer.addEntry({ name: 'last.txt', method: 'deflate', mtime: MTIME }, [Buffer.from('last')]);
          await writer.finish();
          expect(sink.heldCount).toBe(0);
          const entries = await readZipWithYauzl(sink.bytes());
          expect(entries.map((e) => e.name)).toEqual(['first.txt', 'big.log', 'last.txt']);
          expect(entries[1]!.data.equals(data)).toBe(true);
        },
      ),
      { numRuns: 25 },
    );
  });

  it(`a DEFLATE entry pauses once per MiB of input, ${DEFLATE_MAX_PAUSES} times at most (the bound budgets for no more), then runs to its end`, async () => {
    const small = new ZipWriter(new MemorySink({ patching: true }));
    const tiny = await small.addEntry({ name: 'small.txt', method: 'deflate', mtime: MTIME }, chunksOf(patternBytes(2, 500_000, true), [1000]), { shouldPause: () => true });
    expect(tiny.status).toBe('written'); // under 1 MiB: zlib's own bound, so no pause

    const data = patternBytes(1, 70 * 1024 * 1024, true);
    let sink = new MemorySink({ patching: true });
    let writer = new ZipWriter(sink);
    const always = { shouldPause: () => true };
    let r = await writer.addEntry({ name: 'a.txt', method: 'deflate', mtime: MTIME }, chunksOf(data, [256 * 1024]), always);
    let pauses = 0;
    while (r.status === 'paused') {
      pauses++;
      sink = new MemorySink({ patching: true, initial: sink.bytes() });
      writer = ZipWriter.resume(sink, throughJson(writer.checkpoint()));
      r = await writer.continueEntry(chunksOf(data.subarray(r.bytesDone), [256 * 1024]), always);
    }
    expect(pauses).toBe(DEFLATE_MAX_PAUSES);
    expect(r).toMatchObject({ status: 'written', size: data.length });
    if (r.status === 'written') expect(r.compressedSize).toBeLessThanOrEqual(deflateBound(data.length));
    await writer.finish();
    expect((await readZipWithYauzl(sink.bytes()))[0]!.data.equals(data)).toBe(true);
    // Independent readers, on the archive with the most segments.
    const file = join(mkdtempSync(join(tmpdir(), 'zipjobs-deflate-pauses-')), 'a.zip');
    writeFileSync(file, sink.bytes());
    await checkWithUnzip(file);
    expect(await checkWithPython(file)).toEqual([{ name: 'a.txt', size: data.length }]);
  });

  it('rejects things that are not checkpoints', () => {
    const sink = new MemorySink({ patching: true });
    for (const bad of [null, {}, { v: 2, offset: 0, entries: [] }, { v: 1, offset: -1, entries: [] }, { v: 1, offset: 0, entries: [['a', 3]] }]) {
      expect(() => ZipWriter.resume(sink, bad as unknown as ZipCheckpoint)).toThrow(TypeError);
    }
  });

  it('keeps the checkpoint compact: about 60 bytes of JSON per entry besides its name', async () => {
    const sink = new MemorySink({ patching: true });
    const w = new ZipWriter(sink);
    for (let i = 0; i < 1000; i++) await w.addEntry({ name: `f${i}`, method: 'store', size: 3, mtime: MTIME }, [Buffer.from('abc')]);
    const json = JSON.stringify(w.checkpoint());
    expect(json.length / 1000).toBeLessThan(65);
    await w.finish();
    expect(await readZipWithYauzl(sink.bytes())).toHaveLength(1000);
  });
});
