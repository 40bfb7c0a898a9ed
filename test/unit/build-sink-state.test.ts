import type { S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MultipartSink } from '../../lambdas/adapters/multipart-sink';
import { ZipWriter } from '../../lambdas/core/zip';
import { FakeS3 } from '../support/fake-s3';
import { readZipWithYauzl } from '../support/zip-readers';

const KiB = 1024;
const opts = { bucket: 'b', key: 'k.zip', basePartSize: 64 * KiB };
const chunksOf = async function* (data: Buffer, size = 7 * KiB) {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
};

describe('MultipartSink export/import', () => {
  it('round-trips a sink mid-entry: uploaded parts keep their ETags, pending bytes come back, the ZIP is whole', async () => {
    const s3 = new FakeS3();
    const created: string[] = [];
    const sink = new MultipartSink(s3 as unknown as S3Client, { ...opts, onUploadCreated: async (id) => void created.push(id) });
    const writer = new ZipWriter(sink);
    const first = randomBytes(150 * KiB);
    const big = randomBytes(400 * KiB);
    await writer.addEntry({ name: 'a.bin', method: 'store', size: first.length, mtime: new Date(2026, 0, 1) }, chunksOf(first));
    let seen = 0;
    const paused = await writer.addEntry({ name: 'b.bin', method: 'store', size: big.length, mtime: new Date(2026, 0, 1) }, chunksOf(big), {
      shouldPause: () => (seen += 7 * KiB) >= 250 * KiB,
    });
    expect(paused.status).toBe('paused');
    const cp = writer.checkpoint();
    const { state, data } = await sink.exportState();
    expect(created).toEqual(['u1']);
    expect(state.uploadId).toBe('u1');
    expect(state.parts.some((p) => p.etag)).toBe(true); // parts after the held ones went up
    expect(state.parts.filter((p) => !p.etag).reduce((n, p) => n + p.filled, 0)).toBe(data.length);
    // JSON round trip, as through S3.
    const restoredState = JSON.parse(JSON.stringify(state));

    const sink2 = MultipartSink.restore(s3 as unknown as S3Client, opts, restoredState, new Uint8Array(data));
    expect(sink2.size).toBe(cp.offset);
    const writer2 = ZipWriter.resume(sink2, JSON.parse(JSON.stringify(cp)));
    const done = cp.current!.bytesDone;
    const rest = await writer2.continueEntry(chunksOf(big.subarray(done)));
    expect(rest.status).toBe('written');
    await writer2.finish();
    await sink2.complete();
    expect(s3.calls.filter((c) => c === 'CreateMultipartUploadCommand')).toHaveLength(1);

    const entries = await readZipWithYauzl(s3.objects.get('k.zip')!);
    expect(entries.map((e) => e.name)).toEqual(['a.bin', 'b.bin']);
    expect(entries[0]!.data.equals(first)).toBe(true);
    expect(entries[1]!.data.equals(big)).toBe(true);
  });

  it('round-trips a small sink that has no upload yet (one PutObject at the end)', async () => {
    const s3 = new FakeS3();
    const sink = new MultipartSink(s3 as unknown as S3Client, opts);
    const writer = new ZipWriter(sink);
    await writer.addEntry({ name: 'x.txt', method: 'deflate', mtime: new Date(2026, 0, 1) }, chunksOf(Buffer.from('hello '.repeat(100))));
    const { state, data } = await sink.exportState();
    expect(state.uploadId).toBeUndefined();
    const sink2 = MultipartSink.restore(s3 as unknown as S3Client, opts, state, data);
    const writer2 = ZipWriter.resume(sink2, writer.checkpoint());
    await writer2.addEntry({ name: 'y.txt', method: 'store', mtime: new Date(2026, 0, 1) }, chunksOf(Buffer.from('world')));
    await writer2.finish();
    await sink2.complete();
    expect(s3.calls).toEqual(['PutObjectCommand']);
    const entries = await readZipWithYauzl(s3.objects.get('k.zip')!);
    expect(entries.map((e) => [e.name, e.data.toString()])).toEqual([
      ['x.txt', 'hello '.repeat(100)],
      ['y.txt', 'world'],
    ]);
  });

  it('refuses pending bytes that do not match the parts', () => {
    const state = { parts: [{ number: 1, start: 0, size: 64 * KiB, filled: 10 }] };
    expect(() => MultipartSink.restore(new FakeS3() as unknown as S3Client, opts, state, new Uint8Array(5))).toThrow(/missing/);
    expect(() => MultipartSink.restore(new FakeS3() as unknown as S3Client, opts, state, new Uint8Array(12))).toThrow(/do not match/);
  });
});
