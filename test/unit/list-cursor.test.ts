import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../lambdas/core/errors';
import { createCursor, verifyCursor, type CursorContext } from '../../lambdas/core/list-cursor';
import { createToken, verifyToken, type SigningKeys } from '../../lambdas/core/tokens';

const keys: SigningKeys = { active: 'k1', keys: new Map([['k1', Buffer.from('first-secret-0123456789abcdef')]]) };
const position = '2026-04-22T10:00:00.000Z#6f1c0c2e-1111-4a4a-8b8b-000000000001';
const acme: CursorContext = { tenantId: 'acme', status: null };

/** Rejected as a 400 naming `cursor`, never anything else. */
function expectRejected(cursor: string, context: CursorContext, with_ = keys) {
  let caught: unknown;
  try {
    verifyCursor(cursor, context, with_);
  } catch (error) {
    caught = error;
  }
  expect(caught, cursor).toBeInstanceOf(InvalidRequestError);
  expect((caught as InvalidRequestError).details).toEqual([{ path: 'cursor', message: expect.any(String) }]);
}

describe('list cursors', () => {
  it('round-trips the position for the tenant and filter they were issued for', () => {
    for (const context of [acme, { tenantId: 'acme', status: 'failed' }]) {
      expect(verifyCursor(createCursor(position, context, keys), context, keys)).toBe(position);
    }
  });

  it('a key id that names a property of every object is a 400 naming cursor, not a fault', () => {
    for (const kid of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) expectRejected(`${kid}.x.y`, acme);
  });

  it('does not carry the tenant or the filter in the clear', () => {
    const cursor = createCursor(position, { tenantId: 'tenant-secret-name', status: 'completed' }, keys);
    const decoded = Buffer.from(cursor.split('.')[1]!, 'base64url').toString();
    expect(decoded).not.toContain('tenant-secret-name');
    expect(decoded).not.toContain('completed');
  });

  it('rejects a change to any character', () => {
    const cursor = createCursor(position, acme, keys);
    fc.assert(
      fc.property(fc.nat({ max: cursor.length - 1 }), fc.constantFrom(...'ABCDEFabcdef0123456789-_.'), (i, c) => {
        fc.pre(cursor[i] !== c);
        expectRejected(cursor.slice(0, i) + c + cursor.slice(i + 1), acme);
      }),
      { numRuns: 1000 },
    );
  });

  it('rejects every truncation and garbage', () => {
    const cursor = createCursor(position, acme, keys);
    for (let n = 0; n < cursor.length; n++) expectRejected(cursor.slice(0, n), acme);
    for (const bad of ['', '.', '..', '...', 'k1..', 'k1.e30.', '%%%', 'a'.repeat(2000), `${cursor}.x`, `x${cursor}`]) expectRejected(bad, acme);
  });

  it("rejects another tenant's cursor, and one issued for another filter", () => {
    const cursor = createCursor(position, acme, keys);
    expectRejected(cursor, { tenantId: 'other', status: null });
    expectRejected(cursor, { tenantId: 'acme', status: 'completed' });
    expectRejected(createCursor(position, { tenantId: 'acme', status: 'completed' }, keys), acme);
    expectRejected(createCursor(position, { tenantId: 'acme', status: 'completed' }, keys), { tenantId: 'acme', status: 'failed' });
  });

  it('keeps tenant and filter apart: no pair can pose as another', () => {
    // Naive concatenation would make these two contexts sign the same bytes.
    const cursor = createCursor(position, { tenantId: 'acme#failed', status: null }, keys);
    expectRejected(cursor, { tenantId: 'acme', status: 'failed' });
  });

  it('rejects a payload re-signed by anyone without the key', () => {
    const forged = createCursor('2030-01-01T00:00:00.000Z#00000000-0000-4000-8000-000000000000', acme, {
      active: 'k1',
      keys: new Map([['k1', Buffer.from('a guess at the secret')]]),
    });
    expectRejected(forged, acme);
  });

  it('verifies across key rotation, and not after the old key is gone', () => {
    const old = createCursor(position, acme, keys);
    const rotated: SigningKeys = { active: 'k2', keys: new Map([...keys.keys, ['k2', Buffer.from('second-secret-0123456789abcdef')]]) };
    expect(verifyCursor(old, acme, rotated)).toBe(position);
    expect(verifyCursor(createCursor(position, acme, rotated), acme, rotated)).toBe(position);
    expectRejected(old, acme, { active: 'k2', keys: new Map([['k2', rotated.keys.get('k2')!]]) });
  });

  it('is never a download token, nor a download token a cursor', () => {
    const token = createToken({ j: 'j', z: 'zip_1', e: 4_000_000_000 }, keys);
    expectRejected(token, acme);
    expect(() => verifyToken(createCursor(position, acme, keys), keys, 0)).toThrow();
  });
});
