import { createHash } from 'node:crypto';

/** API keys are stored only as this hash. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The key sent as `X-API-Key: <key>` or `Authorization: Bearer <key>`. */
export function apiKeyFromHeaders(headers: Readonly<Record<string, string | undefined>>): string | undefined {
  const direct = headers['x-api-key']?.trim();
  if (direct) return direct;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers['authorization'] ?? '');
  return match?.[1];
}
