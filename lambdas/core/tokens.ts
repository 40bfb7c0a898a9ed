import { createHmac, timingSafeEqual } from 'node:crypto';
import { ExpiredTokenError, InvalidTokenError } from './errors';

/**
 * Download tokens: `<kid>.<payload>.<signature>`, all base64url. The payload
 * (job, ZIP, expiry) is inside the signed part, so a token cannot be stretched;
 * the key id lets the secret rotate while older tokens still verify.
 */
export interface TokenClaims {
  /** Job id. */
  readonly j: string;
  /** ZIP id. */
  readonly z: string;
  /** Expiry, epoch seconds. */
  readonly e: number;
}

export interface SigningKeys {
  /** Key id used for new tokens. */
  readonly active: string;
  /** A Map, not an object: a key id from a request (`__proto__`, `constructor`) must find nothing. */
  readonly keys: ReadonlyMap<string, Buffer>;
}

const KID = /^[A-Za-z0-9_-]{1,32}$/;

/** The key a token or cursor names, or undefined for any id that is not one of ours. */
export function signingKey(keys: SigningKeys, kid: string): Buffer | undefined {
  return KID.test(kid) ? keys.keys.get(kid) : undefined;
}

/** The active key, for new tokens and cursors. */
export function activeSigningKey(keys: SigningKeys): Buffer {
  const key = keys.keys.get(keys.active);
  if (!key) throw new Error(`active signing key ${keys.active} is missing`);
  return key;
}

function sign(key: Buffer, kid: string, payload: string): Buffer {
  return createHmac('sha256', key).update(`${kid}.${payload}`).digest();
}

export function createToken(claims: TokenClaims, keys: SigningKeys): string {
  const key = activeSigningKey(keys);
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${keys.active}.${payload}.${sign(key, keys.active, payload).toString('base64url')}`;
}

function isClaims(value: unknown): value is TokenClaims {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return typeof c.j === 'string' && typeof c.z === 'string' && typeof c.e === 'number' && Number.isFinite(c.e);
}

/** Verifies signature then expiry; `now` in epoch milliseconds. */
export function verifyToken(token: string, keys: SigningKeys, now: number): TokenClaims {
  const parts = token.split('.');
  if (parts.length !== 3) throw new InvalidTokenError('token: malformed');
  const [kid, payload, signature] = parts as [string, string, string];
  const key = signingKey(keys, kid);
  if (!key) throw new InvalidTokenError('token: signature does not verify');
  const expected = sign(key, kid, payload);
  const given = Buffer.from(signature, 'base64url');
  // Only the canonical encoding is accepted, so no two strings name one token.
  const canonical = given.toString('base64url') === signature && Buffer.from(payload, 'base64url').toString('base64url') === payload;
  if (!canonical || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new InvalidTokenError('token: signature does not verify');
  }
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidTokenError('token: malformed');
  }
  if (!isClaims(claims)) throw new InvalidTokenError('token: malformed');
  if (claims.e * 1000 <= now) throw new ExpiredTokenError('token: expired');
  return claims;
}

/** Parses the secret's JSON (`{"active": "k1", "k1": "<random>", ...}`) into signing keys. */
export function parseSigningKeys(secretString: string): SigningKeys {
  const raw = JSON.parse(secretString) as Record<string, unknown>;
  const active = raw.active;
  if (typeof active !== 'string') throw new Error('token secret: "active" key id missing');
  const keys = new Map<string, Buffer>();
  for (const [kid, value] of Object.entries(raw)) {
    if (kid !== 'active' && typeof value === 'string' && KID.test(kid)) keys.set(kid, Buffer.from(value, 'utf8'));
  }
  if (!keys.has(active)) throw new Error(`token secret: active key ${active} missing`);
  return { active, keys };
}
