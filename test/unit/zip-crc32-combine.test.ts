/**
 * crc32Combine against zlib's own CRC-32: for any bytes cut at any points,
 * combining the pieces' CRCs gives the CRC of the whole; lengths past 4 GiB
 * are checked against zlib over 4 GiB of zeros.
 */
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32Combine, crc32CombineAll } from '../../lambdas/core/zip/crc32-combine';

describe('crc32Combine', () => {
  it('combines the CRCs of any split of any bytes into the CRC of the whole', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), fc.array(fc.nat(), { maxLength: 6 }), (bytes, cuts) => {
        const data = Buffer.from(bytes);
        const points = [...new Set(cuts.map((c) => (data.length === 0 ? 0 : c % (data.length + 1))))].sort((a, b) => a - b);
        const bounds = [0, ...points, data.length];
        const pieces = bounds.slice(1).map((end, i) => {
          const piece = data.subarray(bounds[i]!, end);
          return { crc: crc32(piece), length: piece.length };
        });
        expect(crc32CombineAll(pieces)).toBe(crc32(data));
      }),
      { numRuns: 300 },
    );
  });

  it('combines two pieces exactly as zlib continues a CRC', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.uint8Array({ maxLength: 2000 }), (a, b) => {
        expect(crc32Combine(crc32(a), crc32(b), b.length)).toBe(crc32(b, crc32(a)));
      }),
    );
  });

  it('is exact past 4 GiB, where a 32-bit length would wrap', () => {
    // 2^32 + 17 zero bytes, through zlib once from nothing and once after "head".
    const chunk = Buffer.alloc(64 << 20);
    const length = 2 ** 32 + 17;
    const zerosAfter = (start: number): number => {
      let crc = start;
      for (let left = length; left > 0; left -= chunk.length) crc = crc32(chunk.subarray(0, Math.min(left, chunk.length)), crc);
      return crc;
    };
    const head = crc32(Buffer.from('head'));
    expect(crc32Combine(head, zerosAfter(0), length)).toBe(zerosAfter(head));
  });

  it('refuses a length that is not a non-negative integer', () => {
    expect(() => crc32Combine(0, 0, -1)).toThrow(RangeError);
    expect(() => crc32Combine(0, 0, 1.5)).toThrow(RangeError);
  });
});
