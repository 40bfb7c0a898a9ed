import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../lambdas/core/errors';
import { bodyFingerprint, canonicalJson, checkIdempotencyKey } from '../../lambdas/core/idempotency';
import { createJobRequestSchema } from '../../lambdas/core/jobs/create-request';

/** Reorders every object's keys (arrays keep their order). */
function shuffleKeys(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffleKeys(v, seed + 1));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const rotated = entries.map((_, i) => entries[(i + seed) % entries.length]!);
  return Object.fromEntries(rotated.reverse().map(([k, v]) => [k, shuffleKeys(v, seed + 1)]));
}

describe('canonical JSON', () => {
  it('is the same whatever the key order, and parses back to the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(10), (value, seed) => {
        expect(canonicalJson(shuffleKeys(value, seed))).toBe(canonicalJson(value));
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it('tells different values apart, array order included', () => {
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
    expect(canonicalJson({ a: '1' })).not.toBe(canonicalJson({ a: 1 }));
    expect(canonicalJson({ 'a":1,"b': 2 })).not.toBe(canonicalJson({ a: 1, b: 2 }));
  });
});

describe('body fingerprint', () => {
  const parsed = (body: unknown) => createJobRequestSchema.parse(body);

  it('treats a default spelled out as the same body', () => {
    const url = 'https://example.com/a.pdf';
    expect(bodyFingerprint(parsed({ urls: [url] }))).toBe(bodyFingerprint(parsed({ mode: 'stored', urls: [url], expires_in: 86400 })));
  });

  it('tells bodies that differ in any option or file apart', () => {
    const base = { files: [{ url: 'https://example.com/a.pdf' }, { url: 'https://example.com/b.pdf' }] };
    const print = bodyFingerprint(parsed(base));
    expect(bodyFingerprint(parsed({ ...base, fail_on_url_error: false }))).not.toBe(print);
    expect(bodyFingerprint(parsed({ files: [...base.files].reverse() }))).not.toBe(print);
    expect(bodyFingerprint(parsed({ ...base, metadata: { a: '1' } }))).not.toBe(print);
  });
});

describe('Idempotency-Key header', () => {
  it('accepts 1 to 255 characters and no header at all', () => {
    expect(checkIdempotencyKey(undefined)).toBeUndefined();
    expect(checkIdempotencyKey('k')).toBe('k');
    expect(checkIdempotencyKey('x'.repeat(255))).toBe('x'.repeat(255));
  });

  it('refuses an empty or longer key with a 400 naming the header', () => {
    for (const bad of ['', 'x'.repeat(256)]) {
      expect(() => checkIdempotencyKey(bad)).toThrow(InvalidRequestError);
      expect(() => checkIdempotencyKey(bad)).toThrow(/^Idempotency-Key: must be 1 to 255 characters$/);
    }
  });
});
