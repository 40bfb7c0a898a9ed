import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } };

/** Writes in batches of 25, retrying what DynamoDB leaves unprocessed with jittered backoff. */
export async function batchWrite(client: DynamoDBDocumentClient, table: string, writes: readonly WriteRequest[]): Promise<void> {
  for (let i = 0; i < writes.length; i += 25) {
    let requests: Record<string, unknown>[] | undefined = writes.slice(i, i + 25);
    for (let attempt = 0; requests && requests.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt) * Math.random()));
      const out = await client.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
      requests = out.UnprocessedItems?.[table] as Record<string, unknown>[] | undefined;
    }
  }
}
