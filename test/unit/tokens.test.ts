import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExpiredTokenError, InvalidTokenError } from '../../lambdas/core/errors';
import { createToken, parseSigningKeys, verifyToken, type SigningKeys } from '../../lambdas/core/tokens';

const keys: SigningKeys = { active: 'k1', keys: new Map([['k1', Buffer.from('first-secret-0123456789abcdef')]]) };
const now = Date.parse('2026-11-23T12:00:00.000Z');
const claims = { j: '6f1c0c2e-1111-4a4a-8b8b-000000000001', z: 'zip_1', e: now / 1000 + 3600 };

describe('download tokens', () => {
  it('round-trips its claims', () => {
    expect(verifyToken(createToken(claims, keys), keys, now)).toEqual(claims);
  });

  it('is expired at and after its expiry, with EXPIRED_TOKEN', () => {
    const token = createToken(claims, keys);
    expect(() => verifyToken(token, keys, claims.e * 1000)).toThrow(ExpiredTokenError);
    expect(() => verifyToken(token, keys, claims.e * 1000 - 1)).not.toThrow();
  });

  it('rejects any change to any character with INVALID_TOKEN (or, for the expiry, never extends it)', () => {
    const token = createToken(claims, keys);
    fc.assert(
      fc.property(fc.nat({ max: token.length - 1 }), fc.constantFrom(...'ABCDEFabcdef0123456789-_.'), (i, c) => {
        fc.pre(token[i] !== c);
        const tampered = token.slice(0, i) + c + token.slice(i + 1);
        expect(() => verifyToken(tampered, keys, now)).toThrow(InvalidTokenError);
      }),
      { numRuns: 1000 },
    );
  });

  it('a key id that names a property of every object finds no key (INVALID_TOKEN, not a fault)', () => {
    for (const kid of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      expect(() => verifyToken(`${kid}.x.y`, keys, now), kid).toThrow(InvalidTokenError);
      expect(() => verifyToken(`${kid}.${createToken(claims, keys).split('.').slice(1).join('.')}`, keys, now), kid).toThrow(InvalidTokenError);
    }
  });

  it('rejects truncated tokens and garbage', () => {
    const token = createToken(claims, keys);
    for (let n = 0; n < token.length; n += 7) expect(() => verifyToken(token.slice(0, n), keys, now)).toThrow(InvalidTokenError);
    for (const bad of ['', '...', 'k1..', 'k1.e30.', `k9.${token.split('.')[1]}.${token.split('.')[2]}`]) {
      expect(() => verifyToken(bad, keys, now)).toThrow(InvalidTokenError);
    }
  });

  it('rejects a token signed with another secret', () => {
    const other: SigningKeys = { active: 'k1', keys: new Map([['k1', Buffer.from('another-secret-entirely-000000')]]) };
    expect(() => verifyToken(createToken(claims, other), keys, now)).toThrow(InvalidTokenError);
  });

  it('keeps verifying tokens of the previous key after rotation', () => {
    const old = createToken(claims, keys);
    const rotated = parseSigningKeys(JSON.stringify({ active: 'k2', k1: 'first-secret-0123456789abcdef', k2: 'second-secret-0123456789abcdef' }));
    expect(verifyToken(old, rotated, now)).toEqual(claims);
    expect(createToken(claims, rotated).startsWith('k2.')).toBe(true);
    const retired = parseSigningKeys(JSON.stringify({ active: 'k2', k2: 'second-secret-0123456789abcdef' }));
    expect(() => verifyToken(old, retired, now)).toThrow(InvalidTokenError);
  });

  it('refuses a secret without its active key', () => {
    expect(() => parseSigningKeys(JSON.stringify({ active: 'k2', k1: 'x' }))).toThrow(/active key k2/);
  });
});
