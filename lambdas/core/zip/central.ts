/**
 * The central directory, encoded in batches of about 1 MiB so that 70,000
 * entries never need one large buffer, followed by the end records.
 */
import { encodeCentralRecord } from './format';
import { centralRecordSize, nameLength } from './layout';
import type { CentralRecord } from './records';

const BATCH_BYTES = 1 << 20;

/** Yields the central directory in order, as buffers of roughly BATCH_BYTES. */
export function* centralDirectory(records: readonly CentralRecord[]): Generator<Buffer> {
  let i = 0;
  while (i < records.length) {
    // Size the batch first, so each record is encoded straight into its place.
    const lengths: number[] = [];
    let bytes = 0;
    for (let j = i; j < records.length && bytes < BATCH_BYTES; j++) {
      const r = records[j]!;
      const len = nameLength(r[0]);
      lengths.push(len);
      bytes += centralRecordSize(len, r[4], r[3], r[5]);
    }
    const buf = Buffer.allocUnsafe(bytes);
    let pos = 0;
    for (const len of lengths) pos = encodeCentralRecord(buf, pos, records[i++]!, len);
    yield buf;
  }
}
