import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { deflateBound, predictZipSize } from '../../lambdas/core/zip/index';
import { buildZip, dataOf, entrySpecs, type EntrySpec } from '../support/zip-fixtures';
import {
  checkWith7z,
  checkWithBsdtarStreaming,
  checkWithPython,
  checkWithUnzip,
  haveTool,
  readZipWithYauzl,
} from '../support/zip-readers';

const dir = mkdtempSync(join(tmpdir(), 'zip-roundtrip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function expectRoundTrip(specs: EntrySpec[], bytes: Buffer): Promise<void> {
  const read = await readZipWithYauzl(bytes);
  expect(read.map((e) => e.name)).toEqual(specs.map((s) => s.name));
  specs.forEach((s, i) => expect(read[i]!.data.equals(dataOf(s)), s.name).toBe(true));
}

describe('ZipWriter round trip', () => {
  it('any entry set reads back byte for byte with yauzl (patching and append-only sinks)', async () => {
    await fc.assert(
      fc.asyncProperty(entrySpecs(), fc.boolean(), fc.integer({ min: 0, max: 9 }), async (specs, patching, level) => {
        const { bytes, total, results } = await buildZip(specs, { patching, deflateLevel: level });
        expect(total).toBe(bytes.length);
        await expectRoundTrip(specs, bytes);
        // DEFLATE output never exceeds the bound the writer and predictor rely on.
        for (const r of results) if (r.status === 'written') expect(r.compressedSize).toBeLessThanOrEqual(deflateBound(r.size));
      }),
      { numRuns: 100 },
    );
  });

  it('predictZipSize is exact for STORE entries with announced sizes', async () => {
    await fc.assert(
      fc.asyncProperty(entrySpecs({ methods: ['store'] }), fc.boolean(), async (specs, patching) => {
        const announced = specs.map((s) => ({ ...s, announce: true }));
        const { bytes } = await buildZip(announced, { patching });
        expect(predictZipSize(announced, { patching })).toBe(bytes.length);
      }),
      { numRuns: 60 },
    );
  });

  it('predictZipSize is an upper bound once DEFLATE entries are in', async () => {
    await fc.assert(
      fc.asyncProperty(entrySpecs(), fc.boolean(), async (specs, patching) => {
        const announced = specs.map((s) => ({ ...s, announce: true }));
        const { bytes } = await buildZip(announced, { patching, deflateLevel: 1 });
        expect(predictZipSize(announced, { patching })).toBeGreaterThanOrEqual(bytes.length);
      }),
      { numRuns: 40 },
    );
  });

  it('an empty archive is valid', async () => {
    const { bytes } = await buildZip([], { patching: true });
    expect(bytes.length).toBe(22);
    expect(predictZipSize([], { patching: true })).toBe(22);
    expect(await readZipWithYauzl(bytes)).toEqual([]);
  });

  it('the checkers are not vacuous: one flipped data byte fails each of them', async () => {
    const spec: EntrySpec = { name: 'x.bin', method: 'store', size: 5000, announce: true, seed: 9, compressible: false, chunkSizes: [999], async: false };
    const { bytes } = await buildZip([spec], { patching: true });
    bytes[30 + 5 + 2500]! ^= 0xff; // inside the data, after the 30-byte header and the name
    const file = join(dir, 'corrupt.zip');
    writeFileSync(file, bytes);
    await expect(readZipWithYauzl(bytes)).rejects.toThrow(/CRC-32/);
    await expect(checkWithPython(file)).rejects.toThrow();
    await expect(checkWithUnzip(file)).rejects.toThrow();
    if (haveTool('7z')) await expect(checkWith7z(file)).rejects.toThrow();
    if (haveTool('bsdtar')) await expect(checkWithBsdtarStreaming(file)).rejects.toThrow();
  });

  it('a sample passes python zipfile, unzip -t, 7z and streaming bsdtar', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(entrySpecs({ maxLength: 5 }), fc.boolean(), async (specs, patching) => {
        const { bytes } = await buildZip(specs, { patching });
        const file = join(dir, `sample-${n++}.zip`);
        writeFileSync(file, bytes);
        const listed = await checkWithPython(file);
        expect(listed).toEqual(specs.map((s) => ({ name: s.name, size: s.size })));
        await checkWithUnzip(file);
        await checkWith7z(file);
        const streamed = await checkWithBsdtarStreaming(file);
        if (!streamed.skipped) {
          const all = Buffer.concat(specs.map(dataOf));
          expect(streamed.dataLength).toBe(all.length);
          expect(streamed.dataSha256).toBe(createHash('sha256').update(all).digest('hex'));
        }
      }),
      { numRuns: 10 },
    );
  });
});
