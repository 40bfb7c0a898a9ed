/**
 * CRC-32 of a concatenation from the CRC-32s of its pieces, as zlib's
 * `crc32_combine64` computes it: crc(A‖B) = crc(A)·x^(8·|B|) ⊕ crc(B) in
 * GF(2)[x] modulo the CRC polynomial, x^(8·|B|) built from a table of
 * x^(2^k). Node's zlib binding exposes `crc32` but not its combine; the one
 * npm package that does (@balena/node-crc-utils) is an Emscripten build that
 * must be awaited before its first call and takes a 32-bit length, so this
 * is our own: synchronous, pure and exact for any length a number holds
 * (up to 2^53 bytes), which a ZIP entry past 4 GiB needs.
 */

/** The reflected CRC-32 polynomial (IEEE 802.3), as zlib and ZIP use it. */
const POLY = 0xedb88320;

/** a·b modulo the polynomial, both reflected (bit 31 holds x^0). */
function multModP(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}

/** x^(2^k) modulo the polynomial, k = 0…31 (the powers repeat with period 32 in k for these uses). */
const X2N: number[] = (() => {
  const table: number[] = [];
  let p = 0x40000000; // x^1
  table.push(p);
  for (let k = 1; k < 32; k++) table.push((p = multModP(p, p)));
  return table;
})();

/** x^(n·2^k) modulo the polynomial. */
function x2nModP(n: number, k: number): number {
  let p = 0x80000000; // x^0
  while (n > 0) {
    if (n % 2 === 1) p = multModP(X2N[k & 31]!, p);
    n = Math.floor(n / 2);
    k++;
  }
  return p;
}

/**
 * CRC-32 of A followed by B, given crc(A), crc(B) and B's length in bytes.
 * Lengths are numbers, not 32-bit: a piece may be longer than 4 GiB.
 */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  if (!Number.isSafeInteger(lengthB) || lengthB < 0) throw new RangeError(`crc32Combine: length must be a non-negative integer, got ${lengthB}`);
  // Shifting by 8·lengthB bits: 2^3 · lengthB, hence k starts at 3.
  return (multModP(x2nModP(lengthB, 3), crcA >>> 0) ^ (crcB >>> 0)) >>> 0;
}

/** CRC-32 of pieces in order, each given as its CRC-32 and length. */
export function crc32CombineAll(pieces: Iterable<{ readonly crc: number; readonly length: number }>): number {
  let crc = 0;
  for (const piece of pieces) crc = crc32Combine(crc, piece.crc, piece.length);
  return crc;
}
