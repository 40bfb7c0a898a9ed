import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } };

/**
 * Writes in batches of 25, retrying what DynamoDB leaves unprocessed with
 * jittered backoff; after `maxRounds` tries of one batch it gives up with an
 * error (default: never). Every batch write of the table goes through here.
 */
export async function batchWrite(client: DynamoDBDocumentClient, table: string, writes: readonly WriteRequest[], maxRounds = Number.POSITIVE_INFINITY): Promise<void> {
  for (let i = 0; i < writes.length; i += 25) {
    let requests: Record<string, unknown>[] | undefined = writes.slice(i, i + 25);
    for (let attempt = 0; requests && requests.length > 0; attempt++) {
      if (attempt >= maxRounds) throw new Error(`batch write: ${requests.length} writes kept being throttled`);
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt) * Math.random()));
      const out = await client.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
      requests = out.UnprocessedItems?.[table] as Record<string, unknown>[] | undefined;
    }
  }
}
