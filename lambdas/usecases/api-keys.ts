import { randomBytes } from 'node:crypto';
import type { ApiKeyRecord, ApiKeyStore } from '../adapters/api-key-store';
import { hashApiKey } from '../core/api-keys';

/** A new key is shown once; only its hash is stored. The prefix helps secret scanners. */
export async function createApiKey(store: Pick<ApiKeyStore, 'putApiKey'>, input: { tenantId: string; plan: string; name: string }, now: Date) {
  const key = `zj_${randomBytes(32).toString('base64url')}`;
  const record: ApiKeyRecord = {
    key_hash: hashApiKey(key),
    tenant_id: input.tenantId,
    plan: input.plan,
    name: input.name,
    created_at: now.toISOString(),
  };
  await store.putApiKey(record);
  return { key, record };
}

/** Revokes by the hash's first characters (as `keys list` prints them); refuses an ambiguous prefix. */
export async function revokeApiKey(store: Pick<ApiKeyStore, 'putApiKey' | 'listApiKeys'>, hashPrefix: string, now: Date): Promise<ApiKeyRecord> {
  if (hashPrefix.length < 8) throw new Error('give at least 8 characters of the key id');
  const matches = (await store.listApiKeys()).filter((k) => k.key_hash.startsWith(hashPrefix));
  if (matches.length !== 1) throw new Error(matches.length === 0 ? 'no key with that id' : 'that id matches several keys; give more characters');
  const revoked = { ...matches[0]!, revoked_at: now.toISOString() };
  await store.putApiKey(revoked);
  return revoked;
}
