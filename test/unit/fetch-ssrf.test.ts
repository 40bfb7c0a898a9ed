/**
 * End-to-end SSRF table: every blocked range in several notations, as URL
 * literals, through DNS, and behind redirects. Each case must fail with
 * `blocked address` and leave no trace: no request object is ever created,
 * and a trap server listening on every local address sees no connection.
 */
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FetchError, isPublicAddress, openSource, probe, type OpenOptions, type ResolvedAddress } from '../../lambdas/core/fetch';

let trapPort = 0;
let trapHits = 0;
let trap: net.Server;
beforeAll(async () => {
  // On '::' (dual stack) the trap answers for 127/8, 0.0.0.0, ::1 and ::ffff:127.x.
  trap = net.createServer((s) => {
    trapHits++;
    s.destroy();
  });
  await new Promise<void>((r) => trap.listen(0, '::', r));
  trapPort = (trap.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => trap.close(() => r())));
afterEach(() => vi.restoreAllMocks());

const options = (extra: Partial<OpenOptions> = {}): OpenOptions => ({
  allowPrivateAddresses: false,
  connectTimeoutMs: 1000,
  headersTimeoutMs: 1000,
  idleTimeoutMs: 1000,
  maxBytes: 1_000_000,
  userAgent: 'zipjobs-test',
  ...extra,
});

// --- the table -------------------------------------------------------------------

const V4_BLOCKED = [
  '0.0.0.0', '0.1.2.3', '10.0.0.1', '10.255.255.254', '100.64.0.1', '100.127.255.254', '127.0.0.1',
  '127.255.255.254', '169.254.0.1', '169.254.169.254', '172.16.0.1', '172.31.255.254', '192.0.0.1',
  '192.0.0.170', '192.0.2.1', '192.168.0.1', '192.168.255.254', '198.18.0.1', '198.19.255.254',
  '198.51.100.1', '203.0.113.1', '224.0.0.1', '239.255.255.250', '240.0.0.1', '255.255.255.255',
];

const octetsOf = (ip: string) => ip.split('.').map(Number) as [number, number, number, number];
const asInt = (o: number[]) => ((o[0]! << 24) | (o[1]! << 16) | (o[2]! << 8) | o[3]!) >>> 0;
const hexWords = (o: number[]) => `${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`;

/** The same IPv4 address written every way a URL host can spell it. */
function v4Notations(ip: string): string[] {
  const o = octetsOf(ip);
  const n = asInt(o);
  return [
    ip,
    String(n), // decimal: 2130706433
    `0x${n.toString(16)}`, // hex integer
    o.map((x) => `0${x.toString(8)}`).join('.'), // octal: 0177.0.0.01
    o.map((x) => `0x${x.toString(16)}`).join('.'), // hex dotted
    `${o[0]}.${o[1]}.${(o[2] << 8) | o[3]}`, // a.b.c (16-bit tail)
    `0x${o[0].toString(16)}.${(o[1] << 16) | (o[2] << 8) | o[3]}`, // mixed: 0x7f.1
    `${ip}.`, // trailing dot
    `%3${String(o[0])[0]}${String(o[0]).slice(1)}.${o[1]}.${o[2]}.${o[3]}`, // percent-encoded digit
    `[::ffff:${ip}]`,
    `[::ffff:${hexWords(o)}]`,
    `[::${ip}]`,
  ];
}

const V6_BLOCKED = [
  '[::]', '[::1]', '[0:0:0:0:0:0:0:1]', '[fc00::1]', '[fd12:3456:789a::1]', '[fe80::1]', '[febf::ffff]',
  '[ff02::1]', '[ff0e::101]', '[2001:db8::1]', '[2001:db8:ffff:ffff::1]', '[64:ff9b::7f00:1]',
  '[64:ff9b::8.8.8.8]', '[::ffff:0:10.0.0.1]', '[2002:a9fe:a9fe::1]',
];

interface Case {
  name: string;
  url: string;
  lookup?: (host: string) => Promise<ResolvedAddress[]>;
}

const fixed = (...addresses: string[]) => async () =>
  addresses.map((address) => ({ address, family: (address.includes(':') ? 6 : 4) as 4 | 6 }));

const CASES: Case[] = [
  ...V4_BLOCKED.flatMap((ip) =>
    v4Notations(ip).map((host) => ({ name: `literal ${host}`, url: `http://${host}:${trapPort}/x` })),
  ),
  ...V6_BLOCKED.map((host) => ({ name: `literal ${host}`, url: `http://${host}:${trapPort}/x` })),
  // Full-width digits are IDNA-mapped to ASCII by the URL parser.
  { name: 'full-width digits', url: `http://１２７.０.０.１:${trapPort}/` },
  // DNS names resolving to every blocked range, and to a public/private mix.
  ...[...V4_BLOCKED, ...V6_BLOCKED.map((h) => h.slice(1, -1))].map((ip) => ({
    name: `DNS name → ${ip}`,
    url: `http://innocent-looking.example:${trapPort}/`,
    lookup: fixed(ip),
  })),
  { name: 'DNS name → public and private', url: `http://mixed.example:${trapPort}/`, lookup: fixed('8.8.8.8', '10.0.0.1') },
  { name: 'DNS name → private and public', url: `http://mixed.example:${trapPort}/`, lookup: fixed('2606:4700::1', '::1') },
  { name: 'localhost', url: `http://localhost:${trapPort}/`, lookup: fixed('127.0.0.1', '::1') },
  { name: 'DNS answer that is not an address', url: `http://weird.example:${trapPort}/`, lookup: fixed('not-an-ip') },
  { name: 'https literal', url: `https://127.0.0.1:${trapPort}/` },
  { name: 'metadata endpoint', url: 'http://169.254.169.254/latest/meta-data/iam/' },
];

describe(`SSRF: ${CASES.length} blocked targets`, () => {
  it('the URL parser normalises every IPv4 notation to a dotted quad', () => {
    for (const ip of V4_BLOCKED) {
      for (const host of v4Notations(ip).filter((h) => !h.startsWith('['))) {
        expect(new URL(`http://${host}/`).hostname, host).toBe(ip);
      }
    }
  });

  it.each(CASES)('$name', async ({ url, lookup }) => {
    const httpSpy = vi.spyOn(http, 'request');
    const httpsSpy = vi.spyOn(https, 'request');
    const lookups: string[] = [];
    const recording = lookup && (async (h: string) => (lookups.push(h), lookup(h)));
    const before = trapHits;
    const err = await openSource(url, options(recording ? { lookup: recording } : {})).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FetchError);
    expect(err).toMatchObject({ message: 'blocked address', retryable: false });
    expect(httpSpy).not.toHaveBeenCalled();
    expect(httpsSpy).not.toHaveBeenCalled();
    expect(trapHits).toBe(before);
    // Literal addresses never reach DNS; names are resolved exactly once.
    expect(lookups.length).toBe(lookup ? 1 : 0);
  });

  it('probe is guarded the same way', async () => {
    const spy = vi.spyOn(http, 'request');
    const err = await probe(`http://0x7f.1:${trapPort}/`, options()).catch((e: unknown) => e);
    expect(err).toMatchObject({ message: 'blocked address' });
    expect(spy).not.toHaveBeenCalled();
  });

  it('the same targets are reachable when private addresses are allowed (proves the trap works)', async () => {
    const before = trapHits;
    await openSource(`http://0x7f.1:${trapPort}/`, options({ allowPrivateAddresses: true })).catch(() => undefined);
    expect(trapHits).toBe(before + 1);
  });
});

// --- redirects -----------------------------------------------------------------

describe('SSRF through redirects', () => {
  // The allowed "public" server lives on 127.0.0.1: a policy treats exactly
  // that address as public and everything else as the default policy does.
  const policy = (ip: string) => ip === '127.0.0.1' || isPublicAddress(ip);
  let origin: http.Server;
  let originPort = 0;
  let originHits = 0;
  let location = '';
  beforeAll(async () => {
    origin = http.createServer((req, res) => {
      originHits++;
      if (req.url === '/ok') return res.end('fine');
      res.writeHead(302, { location }).end();
    });
    await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
    originPort = (origin.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => (origin.closeAllConnections(), origin.close(() => r()))));

  const lookup = async (host: string): Promise<ResolvedAddress[]> =>
    host === 'public.example' ? [{ address: '127.0.0.1', family: 4 }] : [{ address: '127.0.0.3', family: 4 }];

  it('the allowed server is reachable under this policy', async () => {
    const src = await openSource(`http://public.example:${originPort}/ok`, options({ addressPolicy: policy, lookup }));
    for await (const _ of src.body) void _;
    expect(src.status).toBe(200);
  });

  const targets = () => [
    `http://127.0.0.2:${trapPort}/`,
    `http://2130706434:${trapPort}/`,
    `http://[::1]:${trapPort}/`,
    `http://[::ffff:127.0.0.2]:${trapPort}/`,
    `http://internal.example:${trapPort}/`, // resolves to 127.0.0.3
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/',
  ];

  it.each([0, 1, 2, 3, 4, 5, 6])('a redirect to a private target (#%i) is blocked before any connection', async (i) => {
    location = targets()[i]!;
    const before = { origin: originHits, trap: trapHits };
    const requests = vi.spyOn(http, 'request');
    const err = await openSource(`http://public.example:${originPort}/start`, options({ addressPolicy: policy, lookup })).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ message: 'blocked address' });
    expect(originHits).toBe(before.origin + 1);
    expect(trapHits).toBe(before.trap);
    expect(requests).toHaveBeenCalledTimes(1); // the origin only
  });

  it('DNS rebinding: each hop resolves once and connects to what it checked', async () => {
    let calls = 0;
    // First answer passes the policy; any later answer would be internal.
    const rebinding = async (): Promise<ResolvedAddress[]> => [{ address: calls++ === 0 ? '127.0.0.1' : '127.0.0.2', family: 4 }];
    location = `http://public.example:${trapPort}/`;
    const err = await openSource(`http://public.example:${originPort}/start`, options({ addressPolicy: policy, lookup: rebinding })).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ message: 'blocked address' });
    expect(calls).toBe(2); // one per hop, none by Node itself
  });
});
