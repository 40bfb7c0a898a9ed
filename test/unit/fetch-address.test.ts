import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPublicAddress, parseIPv4, parseIPv6 } from '../../lambdas/core/fetch/address';

// [address, public?]: both edges of every blocked range, and their neighbours.
const IPV4: Array<[string, boolean]> = [
  ['0.0.0.0', false], ['0.255.255.255', false], ['1.0.0.0', true],
  ['9.255.255.255', true], ['10.0.0.0', false], ['10.255.255.255', false], ['11.0.0.0', true],
  ['100.63.255.255', true], ['100.64.0.0', false], ['100.127.255.255', false], ['100.128.0.0', true],
  ['126.255.255.255', true], ['127.0.0.1', false], ['127.255.255.255', false], ['128.0.0.0', true],
  ['169.253.255.255', true], ['169.254.0.0', false], ['169.254.169.254', false], ['169.255.0.0', true],
  ['172.15.255.255', true], ['172.16.0.0', false], ['172.31.255.255', false], ['172.32.0.0', true],
  ['191.255.255.255', true], ['192.0.0.0', false], ['192.0.0.255', false], ['192.0.1.0', true],
  ['192.0.2.0', false], ['192.0.2.255', false], ['192.0.3.0', true],
  ['192.167.255.255', true], ['192.168.0.0', false], ['192.168.255.255', false], ['192.169.0.0', true],
  ['198.17.255.255', true], ['198.18.0.0', false], ['198.19.255.255', false], ['198.20.0.0', true],
  ['198.51.99.255', true], ['198.51.100.0', false], ['198.51.100.255', false], ['198.51.101.0', true],
  ['203.0.112.255', true], ['203.0.113.0', false], ['203.0.113.255', false], ['203.0.114.0', true],
  ['223.255.255.255', true], ['224.0.0.0', false], ['239.255.255.255', false],
  ['240.0.0.0', false], ['255.255.255.255', false], ['8.8.8.8', true], ['1.1.1.1', true],
];

const IPV6: Array<[string, boolean]> = [
  ['::', false], ['::1', false], ['0:0:0:0:0:0:0:1', false], ['[::1]', false],
  ['fc00::', false], ['fdff:ffff::1', false], ['fe80::1', false], ['febf:ffff::1', false], ['fec0::1', false],
  ['ff02::1', false], ['ff05::2', false], ['2001:db8::1', false], ['2001:0db8:ffff::1', false],
  ['64:ff9b::7f00:1', false], ['64:ff9b::808:808', false], ['64:ff9b:1::1', false], ['100::1', false],
  ['::ffff:127.0.0.1', false], ['::ffff:7f00:1', false], ['::FFFF:7F00:0001', false], ['::127.0.0.1', false],
  ['::ffff:10.0.0.1', false], ['::ffff:169.254.169.254', false], ['::ffff:0:192.168.1.1', false],
  ['::ffff:8.8.8.8', true], ['::ffff:808:808', true], ['::8.8.8.8', true],
  ['2002:7f00:1::', false], ['2002:0808:0808::1', true], ['3fff::1', false],
  ['2001:4860:4860::8888', true], ['2606:4700:4700::1111', true], ['2a00:1450:4001::200e', true],
  ['1fff:ffff::1', false], ['4000::1', false],
];

const NOT_ADDRESSES = [
  '', 'localhost', '127.1', '0177.0.0.1', '0x7f.0.0.1', '2130706433', '127.0.0.01', '256.0.0.1', '1.2.3',
  '1.2.3.4.5', ' 8.8.8.8', 'fe80::1%eth0', ':::1', '1::2::3', '1.2.3.4::', '12345::', 'g::1', '[8.8.8.8]',
];

describe('isPublicAddress', () => {
  it.each(IPV4)('IPv4 %s → public=%s', (ip, expected) => {
    expect(isPublicAddress(ip)).toBe(expected);
  });
  it.each(IPV6)('IPv6 %s → public=%s', (ip, expected) => {
    expect(isPublicAddress(ip)).toBe(expected);
  });
  it.each(NOT_ADDRESSES)('non-canonical or invalid %j fails closed', (text) => {
    expect(isPublicAddress(text)).toBe(false);
  });
});

describe('parsers', () => {
  it('parses IPv4 to a 32-bit value', () => {
    expect(parseIPv4('127.0.0.1')).toBe(0x7f000001);
    expect(parseIPv4('255.255.255.255')).toBe(0xffffffff);
  });
  it('parses IPv6 forms to the same bytes', () => {
    const a = parseIPv6('::ffff:127.0.0.1');
    expect(a).toEqual(parseIPv6('0:0:0:0:0:ffff:7f00:1'));
    expect(a).toEqual(parseIPv6('[::FFFF:7F00:1]'));
  });
});

const octets = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255));
const dotted = (o: number[]) => o.join('.');
const hexWords = (o: number[]) => `${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`;

describe('properties', () => {
  it('every IPv4-mapped, -compatible and -translated form classifies like its IPv4', () => {
    fc.assert(
      fc.property(octets, fc.boolean(), (o, upper) => {
        const v4 = dotted(o);
        const expected = isPublicAddress(v4);
        const forms = [
          `::ffff:${v4}`,
          `::ffff:${hexWords(o)}`,
          `0:0:0:0:0:ffff:${v4}`,
          `0000:0000:0000:0000:0000:ffff:${hexWords(o)}`,
          `[::ffff:${v4}]`,
          `::${v4}`,
          `::${hexWords(o)}`,
          `::ffff:0:${v4}`,
        ].map((f) => (upper ? f.toUpperCase() : f));
        for (const form of forms) expect(isPublicAddress(form), form).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('IPv4 classification matches a direct range check', () => {
    const blocked = (o: number[]) => {
      const [a, b, c] = o as [number, number, number];
      return (
        a === 0 || a === 10 || a === 127 || a >= 224 ||
        (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254) ||
        (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) ||
        (a === 192 && b === 0 && (c === 0 || c === 2)) || (a === 198 && (b === 18 || b === 19)) ||
        (a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113)
      );
    };
    fc.assert(fc.property(octets, (o) => isPublicAddress(dotted(o)) === !blocked(o)), { numRuns: 5000 });
  });

  it('IPv6 outside 2000::/3 is never public unless it embeds a public IPv4', () => {
    const group = fc.nat(0xffff).map((n) => n.toString(16));
    fc.assert(
      fc.property(fc.array(group, { minLength: 8, maxLength: 8 }), (groups) => {
        const ip = groups.join(':');
        const first = parseInt(groups[0]!, 16);
        const embedsV4 = groups.slice(0, 5).every((g) => g === '0') && ['0', 'ffff'].includes(groups[5]!);
        if ((first & 0xe000) !== 0x2000 && !embedsV4) expect(isPublicAddress(ip)).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });
});
