import { paginateQuery, paginateScan, type DynamoDBDocumentClient, type QueryCommandInput, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';

type Item = Record<string, unknown>;

async function collect(pages: AsyncIterable<{ Items?: Item[] }>, atMost: number): Promise<Item[]> {
  const items: Item[] = [];
  for await (const page of pages) {
    items.push(...(page.Items ?? []));
    if (items.length >= atMost) break;
  }
  return items;
}

/** Every item a query finds, through the SDK's paginator; it stops asking for pages once it has `atMost`. */
export function queryItems(client: DynamoDBDocumentClient, input: QueryCommandInput, atMost = Number.POSITIVE_INFINITY): Promise<Item[]> {
  return collect(paginateQuery({ client }, input), atMost);
}

/** Every item a scan finds, through the SDK's paginator. */
export function scanItems(client: DynamoDBDocumentClient, input: ScanCommandInput): Promise<Item[]> {
  return collect(paginateScan({ client }, input), Number.POSITIVE_INFINITY);
}
