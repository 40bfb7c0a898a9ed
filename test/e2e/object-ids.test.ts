/**
 * Object ids in the one table, against the DynamoDB stand-in: a key gets a
 * UUIDv4 the first time it is seen and keeps it; concurrent first sightings
 * agree on one id; an id answers only for its own tenant.
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoObjectIdStore } from '../../lambdas/adapters/object-id-store';

const TABLE = 'objects-test';
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
let server: Server;
let client: DynamoDBDocumentClient;

beforeAll(async () => {
  server = dynalite({ createTableMs: 0 });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const raw = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  await raw.send(
    new CreateTableCommand({
      TableName: TABLE,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  client = DynamoDBDocumentClient.from(raw);
});
afterAll(async () => {
  client.destroy();
  await new Promise((ok) => server.close(ok));
});

describe('object ids', () => {
  it('gives each key a UUIDv4 on first sight and the same id ever after, for any number of keys', async () => {
    const store = dynamoObjectIdStore(client, TABLE);
    const keys = Array.from({ length: 150 }, (_, i) => `photos/${i}#odd?.jpg`);
    const first = await store.idsFor('acme', 'media', keys.slice(0, 60));
    const second = await store.idsFor('acme', 'media', keys);
    expect(second.size).toBe(150);
    for (const [key, id] of first) expect(second.get(key)).toBe(id);
    expect(new Set(second.values()).size).toBe(150);
    for (const id of second.values()) expect(id).toMatch(UUID_V4);
    expect(await store.keyOf('acme', second.get(keys[7]!)!)).toEqual({ bucket_name: 'media', key: keys[7] });
  });

  it('lets concurrent first sightings agree on one id', async () => {
    const stores = Array.from({ length: 6 }, () => dynamoObjectIdStore(client, TABLE));
    const keys = ['race/a.txt', 'race/b.txt', 'race/c.txt'];
    const results = await Promise.all(stores.map((s) => s.idsFor('acme', 'media', keys)));
    for (const key of keys) expect(new Set(results.map((r) => r.get(key))).size).toBe(1);
    const id = results[0]!.get('race/a.txt')!;
    expect(await stores[3]!.keyOf('acme', id)).toEqual({ bucket_name: 'media', key: 'race/a.txt' });
  });

  it("answers nothing for another tenant's id, an unknown id, or an id that lost its key's race", async () => {
    const store = dynamoObjectIdStore(client, TABLE);
    const id = (await store.idsFor('acme', 'media', ['private/plan.pdf'])).get('private/plan.pdf')!;
    expect(await store.keyOf('globex', id)).toBeUndefined();
    expect(await store.keyOf('acme', randomUUID())).toBeUndefined();
    // The same key in another tenant's bucket of the same name is another object.
    const theirs = (await store.idsFor('globex', 'media', ['private/plan.pdf'])).get('private/plan.pdf')!;
    expect(theirs).not.toBe(id);
    // An orphan id item (its writer lost the race and crashed before cleaning up) names nothing.
    const orphan = randomUUID();
    await client.send(new PutCommand({ TableName: TABLE, Item: { pk: `OBJID#acme#${orphan}`, sk: 'OBJID', bucket_name: 'media', key: 'private/plan.pdf' } }));
    expect(await store.keyOf('acme', orphan)).toBeUndefined();
  });
});
