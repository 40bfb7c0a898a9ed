import { createHash } from 'node:crypto';
import { invalidField } from './validation';

/** An `Idempotency-Key` is remembered this long (docs/API.md "Create a job"). */
export const IDEMPOTENCY_SECONDS = 24 * 3600;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** The header's value, checked: 1–255 characters; absent is fine (no idempotency). */
export function checkIdempotencyKey(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.length === 0 || value.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw invalidField('Idempotency-Key', `must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`);
  }
  return value;
}

/** JSON with object keys sorted at every level, so equal values serialise alike whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** What "the same body" means: the SHA-256 of the parsed request (defaults applied) in canonical JSON. */
export const bodyFingerprint = (parsedBody: unknown) => sha256(canonicalJson(parsedBody));

/** The key is stored only hashed (it may be anything a client chose). */
export const hashIdempotencyKey = (key: string) => sha256(key);
