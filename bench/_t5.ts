import { get } from 'node:http';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createDeflateRaw, crc32 } from 'node:zlib';
import { repeated, textBlock, MiB } from './lib/data';
import { deflateRaw as newD } from '../lambdas/core/zip/deflate';
import { deflateRaw as oldD } from './_deflate_orig';
import { startSourceServer } from './lib/source';
const N = Number(process.argv[2] ?? 128) * MiB;
const level = Number(process.argv[3] ?? 6);
const http = process.argv[4] === 'http';
const src = http ? await startSourceServer() : undefined;
textBlock();
const source = async (): Promise<AsyncIterable<Buffer> | Iterable<Buffer>> => http ? await new Promise((ok) => get(`${src!.url}/text/${N}`, ok)) : repeated(textBlock(), N);
const res: Record<string, number[]> = {};
const t = async (name: string, f: () => Promise<unknown>) => { const t0 = performance.now(); await f(); const s = (performance.now() - t0) / 1000; (res[name] ??= []).push(N / 1e6 / s); };
for (let i = 0; i < Number(process.argv[5] ?? 3); i++) {
  await t('zlib', async () => pipeline(Readable.from(await source()), createDeflateRaw({ level }), new Writable({ write(_c, _e, cb) { cb(); } })));
  await t('old', async () => { let c = 0; for await (const o of oldD(await source(), level, (ch) => { c = crc32(ch, c); })) void o; });
  await t('new', async () => { let c = 0; for await (const o of newD(await source(), level, (ch) => { c = crc32(ch, c); })) void o; });
}
for (const [k, v] of Object.entries(res)) console.log(k.padEnd(6), v.map((x) => x.toFixed(1)).join(' '), ' median', v.sort((a, b) => a - b)[v.length >> 1]!.toFixed(1));
src?.stop();
