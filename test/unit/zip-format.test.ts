import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import yauzl, { type Entry } from 'yauzl';
import { encodeCentralRecord, encodeEndRecords, dosDateTime } from '../../lambdas/core/zip/format';
import { centralRecordSize, endRecordsSize } from '../../lambdas/core/zip/layout';
import { FLAG_LOCAL_ZIP64, METHOD_STORE, type CentralRecord } from '../../lambdas/core/zip/records';
import { ZipWriter, deflateBound, predictZipSize } from '../../lambdas/core/zip/index';
import { MTIME, patternBytes } from '../support/zip-fixtures';
import { MemorySink } from '../support/zip-sinks';

const GiB = 2 ** 30;

async function entriesOf(bytes: Buffer): Promise<{ entry: Entry; local: yauzl.LocalFileHeader }[]> {
  const zip = await yauzl.fromBufferPromise(bytes, { lazyEntries: true });
  const out = [];
  for await (const entry of zip.eachEntry()) out.push({ entry, local: await zip.readLocalFileHeaderPromise(entry) });
  return out;
}

async function oneEntryZip(patching: boolean, meta: { size?: number; method?: 'store' | 'deflate' }, data: Buffer): Promise<Buffer> {
  const sink = new MemorySink({ patching });
  const w = new ZipWriter(sink);
  await w.addEntry({ name: 'dir/naïve.txt', method: meta.method ?? 'store', size: meta.size, mtime: MTIME }, [data]);
  await w.finish();
  return sink.bytes();
}

describe('headers follow APPNOTE 6.3', () => {
  const data = Buffer.from('hello, world');

  it('known size, patching sink: no ZIP64, no data descriptor, real values in the local header', async () => {
    const bytes = await oneEntryZip(true, { size: data.length }, data);
    const [{ entry, local }] = await entriesOf(bytes);
    expect(entry.versionNeededToExtract).toBe(20);
    expect(entry.versionMadeBy >> 8).toBe(3); // Unix
    expect(entry.generalPurposeBitFlag).toBe(0x0800); // UTF-8 only
    expect(entry.externalFileAttributes >>> 16).toBe(0o100644);
    expect(entry.extraFieldLength).toBe(0);
    expect(entry.getLastModDate({ timezone: 'UTC' }).toISOString()).toBe(MTIME.toISOString());
    expect(local.versionNeededToExtract).toBe(20);
    expect(local.generalPurposeBitFlag).toBe(0x0800);
    expect([local.crc32, local.compressedSize, local.uncompressedSize]).toEqual([entry.crc32, data.length, data.length]);
    expect(local.extraFieldLength).toBe(0);
  });

  it('unknown size, patching sink: a local ZIP64 extra with real sizes, none in the central directory', async () => {
    const bytes = await oneEntryZip(true, {}, data);
    const [{ entry, local }] = await entriesOf(bytes);
    expect(local.versionNeededToExtract).toBe(45);
    expect([local.compressedSize, local.uncompressedSize]).toEqual([0xffffffff, 0xffffffff]);
    const extra = yauzl.parseExtraFields(local.extraField);
    expect(extra.map((e) => e.id)).toEqual([0x0001]);
    expect([Number(extra[0]!.data.readBigUInt64LE(0)), Number(extra[0]!.data.readBigUInt64LE(8))]).toEqual([data.length, data.length]);
    expect(local.crc32).toBe(entry.crc32);
    expect(entry.extraFieldLength).toBe(0);
    expect(entry.versionNeededToExtract).toBe(45);
  });

  it.each([
    [{ size: 12 }, 16],
    [{}, 24],
  ])('append-only sink (%o): bit 3 and a %i-byte data descriptor', async (meta, descriptorBytes) => {
    const bytes = await oneEntryZip(false, meta, data);
    const [{ entry, local }] = await entriesOf(bytes);
    expect(entry.generalPurposeBitFlag).toBe(0x0808);
    expect(local.generalPurposeBitFlag).toBe(0x0808);
    expect(local.crc32).toBe(0);
    const dataEnd = local.fileDataStart + data.length;
    expect(bytes.readUInt32LE(dataEnd)).toBe(0x08074b50);
    expect(bytes.readUInt32LE(dataEnd + 4)).toBe(entry.crc32);
    expect(bytes.readUInt32LE(dataEnd + descriptorBytes)).toBe(0x02014b50); // central directory follows
  });

  it('DEFLATE with a known size near 4 GiB gets a local ZIP64 extra (worst case may overflow)', () => {
    const size = 0xffffffff - 1000;
    expect(deflateBound(size)).toBeGreaterThan(0xffffffff);
    expect(predictZipSize([{ name: 'a', size, method: 'deflate' }], { patching: true }) -
      predictZipSize([{ name: 'a', size, method: 'store' }], { patching: true })).toBeGreaterThan(20);
  });

  it('no ZIP64 end records below the limits', async () => {
    const bytes = await oneEntryZip(true, { size: data.length }, data);
    expect(bytes.indexOf(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(-1);
    expect(bytes.indexOf(Buffer.from([0x50, 0x4b, 0x06, 0x07]))).toBe(-1);
  });
});

describe('ZIP64 fields only where they overflow', () => {
  const rec = (size: number, compressed: number, offset: number): CentralRecord => ['a', METHOD_STORE, 1, compressed, size, offset, 0, FLAG_LOCAL_ZIP64];
  const encode = (r: CentralRecord): Buffer => {
    const buf = Buffer.alloc(centralRecordSize(1, r[4], r[3], r[5]));
    expect(encodeCentralRecord(buf, 0, r, 1)).toBe(buf.length);
    return buf;
  };

  it.each([
    ['sizes only', 5 * GiB, 5 * GiB, 3 * GiB, [5 * GiB, 5 * GiB]],
    ['offset only', 10, 10, 4 * GiB, [4 * GiB]],
    ['uncompressed and offset', 5 * GiB, 3 * GiB, 6 * GiB, [5 * GiB, 6 * GiB]],
    ['exactly 0xFFFFFFFF is already ZIP64', 0xffffffff, 0xffffffff, 0, [0xffffffff, 0xffffffff]],
  ])('%s', (_, size, compressed, offset, fields) => {
    const buf = encode(rec(size, compressed, offset));
    const extraLen = buf.readUInt16LE(30);
    expect(extraLen).toBe(4 + 8 * fields.length);
    expect(buf.readUInt16LE(47)).toBe(0x0001);
    expect(buf.readUInt16LE(49)).toBe(8 * fields.length);
    const values = fields.map((_, i) => Number(buf.readBigUInt64LE(51 + 8 * i)));
    expect(values).toEqual(fields);
    expect(buf.readUInt32LE(20)).toBe(compressed >= 0xffffffff ? 0xffffffff : compressed);
    expect(buf.readUInt32LE(24)).toBe(size >= 0xffffffff ? 0xffffffff : size);
    expect(buf.readUInt32LE(42)).toBe(offset >= 0xffffffff ? 0xffffffff : offset);
    expect(buf.readUInt16LE(6)).toBe(45);
  });

  it('end records: ZIP64 only when needed, and only overflowing classic fields are -1', () => {
    expect(encodeEndRecords(65534, 1000, 1000)).toHaveLength(22);
    const many = encodeEndRecords(70000, 1000, 2000);
    expect(many).toHaveLength(endRecordsSize(70000, 1000, 2000));
    expect(many.readUInt32LE(0)).toBe(0x06064b50);
    expect(Number(many.readBigUInt64LE(32))).toBe(70000);
    expect(many.readUInt32LE(56)).toBe(0x07064b50);
    expect(Number(many.readBigUInt64LE(64))).toBe(3000); // where the ZIP64 end record starts
    const end = many.subarray(76);
    expect([end.readUInt16LE(8), end.readUInt16LE(10), end.readUInt32LE(12), end.readUInt32LE(16)]).toEqual([0xffff, 0xffff, 2000, 1000]);
    const far = encodeEndRecords(3, 5 * GiB, 100).subarray(76);
    expect([far.readUInt16LE(10), far.readUInt32LE(12), far.readUInt32LE(16)]).toEqual([3, 100, 0xffffffff]);
  });
});

describe('DOS time and the deflate bound', () => {
  it('DOS time is UTC, 2-second resolution, clamped to 1980–2107', () => {
    expect(dosDateTime(new Date('1970-01-01T00:00:00Z'))).toBe(dosDateTime(new Date('1980-01-01T00:00:00Z')));
    const t = dosDateTime(new Date('2025-03-04T05:06:09Z'));
    expect([t >>> 25, (t >>> 21) & 15, (t >>> 16) & 31, (t >>> 11) & 31, (t >>> 5) & 63, (t & 31) * 2]).toEqual([45, 3, 4, 5, 6, 8]);
  });

  it('deflate output of any data, level and chunking stays within deflateBound', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 300_000 }),
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 512, max: 70_000 }),
        fc.boolean(),
        async (size, level, chunk, compressible) => {
          const data = patternBytes(size + 1, size, compressible);
          const w = new ZipWriter(new MemorySink({ patching: true }), { deflateLevel: level });
          const chunks = [];
          for (let p = 0; p < size; p += chunk) chunks.push(data.subarray(p, p + chunk));
          const r = await w.addEntry({ name: 'x', method: 'deflate', size, mtime: MTIME }, chunks);
          expect(r.status === 'written' && r.compressedSize <= deflateBound(size)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });
});
