import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { mapConcurrent } from '../core/packing';
import type { ObjectLocator } from '../core/objects';
import { isConditionFailed } from './dynamo-conditions';
import { batchWrite } from './batch-write';
import { objectIdItemKey, objectKeyItemKey } from './job-keys';

/**
 * Stable ids of stored objects: a UUIDv4 given to a key (of one of a
 * tenant's buckets) the first time the service sees it, and the same id
 * ever after. Written with a condition, so two listings that see a new key
 * at once agree on one id.
 */
export interface ObjectIdStore {
  /** The ids of these keys, assigning fresh ones to keys never seen before. */
  idsFor(tenantId: string, bucketName: string, keys: readonly string[]): Promise<Map<string, string>>;
  /** The object an id names for this tenant; undefined for an unknown id or another tenant's. */
  keyOf(tenantId: string, id: string): Promise<ObjectLocator | undefined>;
}


/** BatchGetItem's limit. */
const BATCH = 100;
const WRITE_CONCURRENCY = 16;
const MAX_BATCH_ROUNDS = 8;

export function dynamoObjectIdStore(client: DynamoDBDocumentClient, table: string, newId: () => string = randomUUID): ObjectIdStore {
  /** Stored ids of `keys` (missing ones absent), by key. */
  const readIds = async (tenantId: string, bucketName: string, keys: readonly string[]) => {
    const found = new Map<string, string>();
    for (let i = 0; i < keys.length; i += BATCH) {
      let pending: Record<string, unknown>[] | undefined = [...new Set(keys.slice(i, i + BATCH))].map((k) => objectKeyItemKey(tenantId, bucketName, k));
      for (let round = 0; pending && pending.length > 0; round++) {
        if (round >= MAX_BATCH_ROUNDS) throw new Error('object ids: reads kept being throttled');
        const out = await client.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }));
        for (const item of out.Responses?.[table] ?? []) found.set(item.key as string, item.id as string);
        pending = out.UnprocessedKeys?.[table]?.Keys as Record<string, unknown>[] | undefined;
        if (pending?.length) await new Promise((r) => setTimeout(r, 50 * 2 ** round));
      }
    }
    return found;
  };

  /** Stores id items for fresh ids (unconditional: a fresh UUID names nothing yet). */
  const writeIdItems = async (tenantId: string, bucketName: string, fresh: readonly (readonly [string, string])[]) => {
    const puts = fresh.map(([key, id]) => ({ PutRequest: { Item: { ...objectIdItemKey(tenantId, id), type: 'object-id', bucket_name: bucketName, key } } }));
    await batchWrite(client, table, puts, MAX_BATCH_ROUNDS);
  };

  /** Claims `key` for the fresh `id` (its id item already stored), or learns the id a concurrent writer gave it first. */
  const claim = async (tenantId: string, bucketName: string, key: string, id: string): Promise<string> => {
    try {
      await client.send(
        new PutCommand({
          TableName: table,
          Item: { ...objectKeyItemKey(tenantId, bucketName, key), type: 'object-key', id, key },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return id;
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      const winner = await client.send(new GetCommand({ TableName: table, Key: objectKeyItemKey(tenantId, bucketName, key), ConsistentRead: true }));
      // Ours is an orphan now; keyOf ignores orphans, so failing to delete it is harmless.
      await client.send(new DeleteCommand({ TableName: table, Key: objectIdItemKey(tenantId, id) })).catch(() => undefined);
      return winner.Item!.id as string;
    }
  };

  return {
    async idsFor(tenantId, bucketName, keys) {
      const ids = await readIds(tenantId, bucketName, keys);
      const fresh = [...new Set(keys.filter((k) => !ids.has(k)))].map((key) => [key, newId()] as const);
      // The id items first: a key item never points at an id that cannot be looked up.
      await writeIdItems(tenantId, bucketName, fresh);
      const claimed = await mapConcurrent(fresh, WRITE_CONCURRENCY, ([key, id]) => claim(tenantId, bucketName, key, id));
      fresh.forEach(([key], i) => ids.set(key, claimed[i]!));
      return ids;
    },

    async keyOf(tenantId, id) {
      const out = await client.send(new GetCommand({ TableName: table, Key: objectIdItemKey(tenantId, id.toLowerCase()), ConsistentRead: true }));
      if (!out.Item) return undefined;
      const locator = { bucket_name: out.Item.bucket_name as string, key: out.Item.key as string };
      // An id whose writer lost the race for its key names nothing.
      const owner = await client.send(new GetCommand({ TableName: table, Key: objectKeyItemKey(tenantId, locator.bucket_name, locator.key), ConsistentRead: true }));
      return owner.Item?.id === id.toLowerCase() ? locator : undefined;
    },
  };
}
