import { createHmac, timingSafeEqual } from 'node:crypto';
import { activeSigningKey, signingKey, type SigningKeys } from './tokens';
import { invalidField } from './validation';

/**
 * Listing cursors (`GET /jobs`, a job's `/errors` and `/files`):
 * `<kid>.<payload>.<signature>`, all base64url, like download tokens. The
 * payload is the position after the last entry returned; the tenant, the
 * listing and its filter are not in it but inside the MAC, so a cursor
 * verifies only for the listing it was issued for. The MAC key is derived
 * from the token key, so a cursor can never pass as a download token or the
 * other way round.
 */
export interface CursorContext {
  readonly tenantId: string;
  /** The status filter, or null for all jobs. */
  readonly status: string | null;
  /** Which listing, when not `GET /jobs`: `errors/<job id>`, `files/<job id>`. */
  readonly listing?: string;
}

const DOMAIN = 'zipjobs/list-cursor/v1';
const badCursor = () => invalidField('cursor', 'is not a cursor this listing issued (use meta.next_cursor as given)');

function mac(key: Buffer, kid: string, context: CursorContext, payload: string): Buffer {
  const cursorKey = createHmac('sha256', key).update(DOMAIN).digest();
  // JSON keeps the fields apart: no tenant/filter pair can be re-cut into another.
  const fields = [kid, context.tenantId, context.status, payload, ...(context.listing !== undefined ? [context.listing] : [])];
  return createHmac('sha256', cursorKey).update(JSON.stringify(fields)).digest();
}

export function createCursor(position: string, context: CursorContext, keys: SigningKeys): string {
  const key = activeSigningKey(keys);
  const payload = Buffer.from(JSON.stringify({ p: position })).toString('base64url');
  return `${keys.active}.${payload}.${mac(key, keys.active, context, payload).toString('base64url')}`;
}

/** The position a cursor carries, or a 400 naming `cursor` for anything this tenant and filter were not given. */
export function verifyCursor(cursor: string, context: CursorContext, keys: SigningKeys): string {
  const parts = cursor.split('.');
  if (parts.length !== 3) throw badCursor();
  const [kid, payload, signature] = parts as [string, string, string];
  const key = signingKey(keys, kid);
  if (!key) throw badCursor();
  const given = Buffer.from(signature, 'base64url');
  const expected = mac(key, kid, context, payload);
  // Only the canonical encoding verifies, so no two strings name one cursor.
  const canonical = given.toString('base64url') === signature && Buffer.from(payload, 'base64url').toString('base64url') === payload;
  if (!canonical || given.length !== expected.length || !timingSafeEqual(given, expected)) throw badCursor();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  const position = (decoded as { p?: unknown } | null)?.p;
  if (typeof position !== 'string' || position === '') throw badCursor();
  return position;
}
