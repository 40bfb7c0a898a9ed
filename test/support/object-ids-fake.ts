import { randomUUID } from 'node:crypto';
import type { ObjectIdStore } from '../../lambdas/adapters/object-id-store';

/** Object ids in memory, with the real store's rules: one id per (tenant, bucket, key), first writer wins, ids per tenant. */
export function memoryObjectIds(): ObjectIdStore & { readonly size: number } {
  const byKey = new Map<string, string>();
  const byId = new Map<string, { tenant: string; bucket_name: string; key: string }>();
  return {
    get size() {
      return byKey.size;
    },
    async idsFor(tenantId, bucketName, keys) {
      const out = new Map<string, string>();
      for (const key of keys) {
        const slot = `${tenantId}\n${bucketName}\n${key}`;
        let id = byKey.get(slot);
        if (!id) {
          id = randomUUID();
          byKey.set(slot, id);
          byId.set(id, { tenant: tenantId, bucket_name: bucketName, key });
        }
        out.set(key, id);
      }
      return out;
    },
    async keyOf(tenantId, id) {
      const found = byId.get(id.toLowerCase());
      return found && found.tenant === tenantId ? { bucket_name: found.bucket_name, key: found.key } : undefined;
    },
  };
}
