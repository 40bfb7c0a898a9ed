import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createDeflateRaw } from 'node:zlib';
import { repeated, textBlock, MiB } from './lib/data';
import { ZipWriter } from '../lambdas/core/zip';
import { nullSink } from './lib/pipelines';
const N = Number(process.argv[2] ?? 128) * MiB;
const level = Number(process.argv[3] ?? 6);
textBlock();
const t = async (name: string, f: () => Promise<unknown>) => { const t0 = performance.now(); await f(); const s = (performance.now() - t0) / 1000; console.log(name.padEnd(24), (N / 1e6 / s).toFixed(1), 'MB/s', s.toFixed(2), 's'); };
for (let i = 0; i < 3; i++) {
await t('zlib', () => pipeline(Readable.from(repeated(textBlock(), N)), createDeflateRaw({ level }), new Writable({ write(_c, _e, cb) { cb(); } })));
await t('ours', async () => { const w = new ZipWriter(nullSink(), { deflateLevel: level }); await w.addEntry({ name: 'a.txt', method: 'deflate', mtime: new Date() }, repeated(textBlock(), N)); await w.finish(); });
}
