/**
 * R2's multipart rule, held by the sink in uniform mode: every part but the
 * last the same size, the last no larger (S3 accepts such uploads too), through
 * patched headers, entries that fail and are truncated away, and a checkpoint.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MultipartSink, partSizeFor, uniformPartSize } from '../../lambdas/adapters/multipart-sink';
import { EntryAbortedError, ZipWriter } from '../../lambdas/core/zip';
import { FakeS3 } from '../support/fake-s3';
import { readZipWithYauzl } from '../support/zip-readers';

const KiB = 1024;
const MiB = 1024 * KiB;
const mtime = new Date(2026, 0, 1);

async function* chunks(data: Buffer, size: number, failAt?: number) {
  for (let i = 0; i < data.length; i += size) {
    if (failAt !== undefined && i >= failAt) throw new Error('source broke off');
    yield data.subarray(i, i + size);
  }
}

/** The sizes of the parts the completed upload is made of (parts uploaded and later dropped by a rewind are not). */
const partSizes = (s3: FakeS3) => s3.completedParts.get('k.zip')!;

const holdsR2Rule = (sizes: number[]) => sizes.slice(0, -1).every((s) => s === sizes[0]) && sizes.at(-1)! <= sizes[0]!;

describe('uniformPartSize', () => {
  it('is the base size until 10,000 parts of it are too few, then the next whole MiB that fits', () => {
    expect(uniformPartSize(1)).toBe(10 * MiB);
    expect(uniformPartSize(10_000 * 10 * MiB)).toBe(10 * MiB);
    expect(uniformPartSize(10_000 * 10 * MiB + 1)).toBe(11 * MiB);
    expect(uniformPartSize(536_870_912_000)).toBe(52 * MiB);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 * 1024 * 1024 * MiB }), (maxBytes) => {
        const size = uniformPartSize(maxBytes);
        expect(size % MiB).toBe(0);
        expect(size).toBeGreaterThanOrEqual(10 * MiB);
        expect(size).toBeLessThanOrEqual(5 * 1024 * MiB);
        expect(size * 10_000).toBeGreaterThanOrEqual(Math.min(maxBytes, 10_000 * 5 * 1024 * MiB));
      }),
    );
  });

  it('differs from the growing sizes S3 allows, which R2 refuses', () => {
    expect(partSizeFor(1000)).toBe(partSizeFor(1));
    expect(partSizeFor(1001)).toBe(2 * partSizeFor(1));
  });
});

describe('MultipartSink with one part size (R2)', () => {
  it('keeps every part but the last the same size, whatever the entries, failures and chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ size: fc.integer({ min: 0, max: 300 * KiB }), chunk: fc.integer({ min: 1, max: 50 * KiB }), fails: fc.boolean() }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 16, max: 64 }),
        async (entries, partKiB) => {
          const s3 = new FakeS3();
          const part = partKiB * KiB;
          const sink = new MultipartSink(s3 as unknown as S3Client, { bucket: 'b', key: 'k.zip', uniformPartSize: part, queueSize: 2 });
          const writer = new ZipWriter(sink);
          const kept: string[] = [];
          for (const [i, e] of entries.entries()) {
            const data = randomBytes(e.size);
            const name = `f${i}.bin`;
            try {
              await writer.addEntry({ name, method: 'store', size: e.size, mtime }, chunks(data, e.chunk, e.fails ? Math.floor(e.size / 2) : undefined));
              kept.push(name);
            } catch (error) {
              if (!(error instanceof EntryAbortedError)) throw error;
            }
          }
          await writer.finish();
          const size = await sink.complete();
          if (!s3.completedParts.has('k.zip')) {
            expect(size).toBeLessThanOrEqual(part); // one PutObject, no parts at all
            return;
          }
          const sizes = partSizes(s3);
          expect(holdsR2Rule(sizes), sizes.join(',')).toBe(true);
          if (sizes.length > 1) expect(sizes[0]).toBe(part);
          expect(sizes.reduce((a, b) => a + b, 0)).toBe(size);
          expect((await readZipWithYauzl(s3.objects.get('k.zip')!)).map((x) => x.name)).toEqual(kept);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('keeps the rule across a checkpoint and a restore', async () => {
    const s3 = new FakeS3();
    const opts = { bucket: 'b', key: 'k.zip', uniformPartSize: 64 * KiB };
    const sink = new MultipartSink(s3 as unknown as S3Client, opts);
    const writer = new ZipWriter(sink);
    const big = randomBytes(500 * KiB);
    let seen = 0;
    const paused = await writer.addEntry({ name: 'big.bin', method: 'store', size: big.length, mtime }, chunks(big, 7 * KiB), { shouldPause: () => (seen += 7 * KiB) >= 230 * KiB });
    expect(paused.status).toBe('paused');
    const { state, data } = await sink.exportState();
    const sink2 = MultipartSink.restore(s3 as unknown as S3Client, opts, JSON.parse(JSON.stringify(state)), data);
    const writer2 = ZipWriter.resume(sink2, JSON.parse(JSON.stringify(writer.checkpoint())));
    await writer2.continueEntry(chunks(big.subarray(writer.checkpoint().current!.bytesDone), 7 * KiB));
    await writer2.addEntry({ name: 'tail.txt', method: 'deflate', mtime }, chunks(Buffer.from('tail '.repeat(30_000)), 9 * KiB));
    await writer2.finish();
    await sink2.complete();
    const sizes = partSizes(s3);
    expect(sizes.length).toBeGreaterThan(2);
    expect(holdsR2Rule(sizes), sizes.join(',')).toBe(true);
    const entries = await readZipWithYauzl(s3.objects.get('k.zip')!);
    expect(entries[0]!.data.equals(big)).toBe(true);
  });
});
