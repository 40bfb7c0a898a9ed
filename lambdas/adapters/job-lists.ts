import { paginateQuery, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { JobError } from '../core/jobs/model';
import { chunkByBytes, WindowCollector, type ListPosition, type Scoped, type WindowLimits } from '../core/jobs/long-lists';
import { batchWrite } from './batch-write';
import { jobPartition, listChunkSortKey, listPrefix, listScopePrefix, parseListChunkSortKey } from './job-keys';

/** A file's name in its ZIP: `[index of the file in the job, entry name]`. */
export type EntryNameRecord = readonly [number, string];

/** One of a job's long lists, kept in chunk items beside the job (see core/jobs/long-lists.ts). */
export interface ChunkedList<T> {
  /** Makes `items` the scope's whole list (an empty list removes it). Safe to repeat. */
  replace(jobId: string, scope: number, items: readonly T[]): Promise<void>;
  /** A window of the list across scopes, in scope order, from `from` (null: the start). */
  read(jobId: string, from: ListPosition | null, limits: WindowLimits): Promise<{ items: Scoped<T>[]; next: ListPosition | null }>;
}

export interface JobLists {
  /** Files that could not be packaged (job scope: Prepare's; ZIP scopes: BuildZip's). */
  readonly errors: ChunkedList<JobError>;
  /** The names files got in their ZIPs (ZIP scopes). */
  readonly names: ChunkedList<EntryNameRecord>;
}

// pk JOB#<id> / sk LIST#<kind>#<scope>#<chunk>, `entries` the chunk as a JSON array: its size is
// known exactly when it is written, and the item stays far under DynamoDB's 400 KB.
function chunkedList<T>(client: DynamoDBDocumentClient, table: string, kind: string): ChunkedList<T> {
  async function chunkKeysOf(jobId: string, scope: number): Promise<string[]> {
    const keys: string[] = [];
    const pages = paginateQuery(
      { client },
      {
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': jobPartition(jobId), ':prefix': listScopePrefix(kind, scope) },
        ProjectionExpression: 'sk',
        ConsistentRead: true,
      },
    );
    for await (const page of pages) keys.push(...(page.Items ?? []).map((i) => String(i.sk)));
    return keys;
  }

  return {
    async replace(jobId, scope, items) {
      const chunks = chunkByBytes(items);
      const written = new Set(chunks.map((_, i) => listChunkSortKey(kind, scope, i)));
      // The new chunks first, then whatever an earlier, longer list left beyond them.
      await batchWrite(
        client,
        table,
        chunks.map((entries, i) => ({
          PutRequest: { Item: { pk: jobPartition(jobId), sk: listChunkSortKey(kind, scope, i), type: 'list', entries: JSON.stringify(entries) } },
        })),
      );
      const stale = (await chunkKeysOf(jobId, scope)).filter((sk) => !written.has(sk));
      await batchWrite(client, table, stale.map((sk) => ({ DeleteRequest: { Key: { pk: jobPartition(jobId), sk } } })));
    },

    async read(jobId, from, limits) {
      const window = new WindowCollector<T>(from, limits);
      // A window rarely needs more than a few chunks: pages of 4.
      const pages = paginateQuery(
        { client, pageSize: 4 },
        {
          TableName: table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': jobPartition(jobId),
            ':from': from ? listChunkSortKey(kind, from.scope, from.chunk) : listPrefix(kind),
            ':to': `${listPrefix(kind)}~`,
          },
          ConsistentRead: true,
        },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) {
          const { scope, chunk } = parseListChunkSortKey(String(item.sk));
          if (!window.add(scope, chunk, JSON.parse(String(item.entries)) as T[])) return { items: window.items, next: window.next };
        }
      }
      return { items: window.items, next: null };
    },
  };
}

export function dynamoJobLists(client: DynamoDBDocumentClient, table: string): JobLists {
  return { errors: chunkedList<JobError>(client, table, 'errors'), names: chunkedList<EntryNameRecord>(client, table, 'names') };
}
