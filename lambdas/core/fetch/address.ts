/**
 * Address classification for SSRF protection. Pure: strings in, booleans out.
 *
 * Only canonical forms are accepted (dotted-quad decimal IPv4 as DNS returns
 * it and the WHATWG URL parser normalises to; RFC 4291 IPv6 text). Anything
 * else is "not public", so a notation we fail to understand fails closed.
 */
// Ours, not a library: on the address and SSRF tables ipaddr.js gets 167/194 (it calls ::7f00:1 public) and net.BlockList 188/194 (no embedded IPv4 in ::ffff:, ::, 2002::).

/** Parses dotted-quad decimal IPv4 (no leading zeros) to a 32-bit number. */
export function parseIPv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

/** Parses IPv6 text (optionally bracketed, optional trailing dotted IPv4) to 16 bytes. */
export function parseIPv6(text: string): Uint8Array | undefined {
  let s = text;
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  if (s.includes('%')) return undefined; // zone ids: only meaningful for link-local, fail closed
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  // A trailing dotted IPv4 may only end the address.
  const head = parseGroups(halves[0]!, halves.length === 1);
  const tail = halves.length === 2 ? parseGroups(halves[1]!, true) : [];
  if (!head || !tail) return undefined;
  const count = head.length + tail.length;
  if (halves.length === 2 ? count > 7 : count !== 8) return undefined;
  const groups = [...head, ...new Array<number>(8 - count).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 0xff;
  });
  return bytes;
}

function parseGroups(part: string, mayEndInV4: boolean): number[] | undefined {
  if (part === '') return [];
  const pieces = part.split(':');
  const groups: number[] = [];
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    if (mayEndInV4 && i === pieces.length - 1 && piece.includes('.')) {
      const v4 = parseIPv4(piece);
      if (v4 === undefined) return undefined;
      groups.push(v4 >>> 16, v4 & 0xffff);
    } else {
      if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) return undefined;
      groups.push(parseInt(piece, 16));
    }
  }
  return groups;
}

// [network, prefix length]; RFC 6890 special-purpose blocks and the rest of the
// non-unicast space. Checked on the 32-bit value.
const BLOCKED_V4: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // TEST-NET-1
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // TEST-NET-2
  ['203.0.113.0', 24], // TEST-NET-3
  ['224.0.0.0', 3], // multicast 224/4, reserved 240/4, broadcast
];

const V4_MASKS = BLOCKED_V4.map(([net, bits]) => {
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { net: (parseIPv4(net)! & mask) >>> 0, mask };
});

export function isPublicIPv4(value: number): boolean {
  return !V4_MASKS.some(({ net, mask }) => ((value & mask) >>> 0) === net);
}

// Inside 2000::/3 (the only global unicast space IANA allocates) these are not public.
const BLOCKED_V6_IN_GLOBAL: ReadonlyArray<readonly [number[], number]> = [
  [[0x20, 0x01, 0x0d, 0xb8], 32], // documentation
  [[0x3f, 0xff, 0x00], 20], // documentation (RFC 9637)
  [[0x20, 0x01, 0x00, 0x02, 0x00, 0x00], 48], // benchmarking
  [[0x20, 0x01, 0x00, 0x10], 28], // ORCHID
  [[0x20, 0x01, 0x00, 0x20], 28], // ORCHIDv2
];

function hasPrefix(bytes: Uint8Array, prefix: number[], bits: number): boolean {
  for (let bit = 0; bit < bits; bit += 8) {
    const take = Math.min(8, bits - bit);
    const mask = (0xff << (8 - take)) & 0xff;
    if ((bytes[bit / 8]! & mask) !== ((prefix[bit / 8] ?? 0) & mask)) return false;
  }
  return true;
}

function embeddedV4(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
}

export function isPublicIPv6(bytes: Uint8Array): boolean {
  const zeros = (from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);
  // ::a.b.c.d (compatible, includes :: and ::1), ::ffff:a.b.c.d (mapped),
  // ::ffff:0:a.b.c.d (SIIT): the host would reach the embedded IPv4.
  if (zeros(0, 10)) {
    const w5 = (bytes[10]! << 8) | bytes[11]!;
    if (w5 === 0 || w5 === 0xffff) return isPublicIPv4(embeddedV4(bytes, 12));
  }
  if (zeros(0, 8) && bytes[8] === 0xff && bytes[9] === 0xff && bytes[10] === 0 && bytes[11] === 0) {
    return isPublicIPv4(embeddedV4(bytes, 12));
  }
  // Everything outside 2000::/3 is non-global: fc00::/7, fe80::/10, ff00::/8,
  // 64:ff9b::/96 (NAT64 reaches arbitrary IPv4, including private), 100::/64 ...
  if ((bytes[0]! & 0xe0) !== 0x20) return false;
  if (BLOCKED_V6_IN_GLOBAL.some(([prefix, bits]) => hasPrefix(bytes, prefix, bits))) return false;
  // 6to4 carries an IPv4 address the relay would connect to.
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return isPublicIPv4(embeddedV4(bytes, 2));
  return true;
}

/** True only for a public unicast IPv4 or IPv6 address in canonical text form. */
export function isPublicAddress(ip: string): boolean {
  const v4 = parseIPv4(ip);
  if (v4 !== undefined) return isPublicIPv4(v4);
  const v6 = parseIPv6(ip);
  if (v6 !== undefined) return isPublicIPv6(v6);
  return false;
}

/** 4 or 6 when `text` is an IP literal this module understands, else 0. */
export function ipFamily(text: string): 0 | 4 | 6 {
  if (parseIPv4(text) !== undefined) return 4;
  if (parseIPv6(text) !== undefined) return 6;
  return 0;
}
