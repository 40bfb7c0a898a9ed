import { ZipWriter } from '../lambdas/core/zip/index';
import { patternBytes, chunksOf } from '../test/support/zip-fixtures';
for (const level of [1, 6]) {
const data = patternBytes(1, 64 << 20, true);
for (const c of [1024, 16384, 65536, 1<<20]) {
  const w = new ZipWriter({ async write() {}, patching: { hold() {}, async patch() {}, async truncate() {} } }, { deflateLevel: level });
  const t0 = performance.now();
  await w.addEntry({ name: 'x', method: 'deflate', mtime: new Date() }, chunksOf(data, [c]));
  console.log(level, c, (64 * 1.048576 / ((performance.now() - t0) / 1000)).toFixed(0), 'MB/s');
}
const { deflateRawSync } = await import('node:zlib');
const t0 = performance.now(); deflateRawSync(data, { level }); console.log('sync', (64 * 1.048576 / ((performance.now() - t0) / 1000)).toFixed(0));
}
