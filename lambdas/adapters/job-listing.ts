import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { JobStatus } from '../core/jobs/model';
import { jobKey, LIST_POSITION, listSortKey, statusListKey, tenantListKey } from './job-keys';

export interface JobListQuery {
  readonly status: JobStatus | null;
  readonly limit: number;
  /** A position a previous page returned as `next`. */
  readonly after?: string;
}

/**
 * Job sort keys start with a timestamp's digit and ':' sorts right after '9':
 * `< ':'` keeps a listing to jobs should other item kinds share a tenant's
 * partition of the index later (with letter prefixes).
 */
const JOBS_ONLY = ':';

/** The index that lists the tenant's jobs (of one status). */
function listIndex(tenantId: string, status: JobStatus | null) {
  return status
    ? { name: 'gsi2', pk: 'gsi2pk', value: statusListKey(tenantId, status) }
    : { name: 'gsi1', pk: 'gsi1pk', value: tenantListKey(tenantId) };
}

function indexQuery(table: string, index: ReturnType<typeof listIndex>) {
  return {
    TableName: table,
    IndexName: index.name,
    KeyConditionExpression: '#pk = :pk AND gsi1sk < :jobsOnly',
    ExpressionAttributeNames: { '#pk': index.pk },
    ExpressionAttributeValues: { ':pk': index.value, ':jobsOnly': JOBS_ONLY },
  };
}

/** One page of job items, newest first; `next` only when more follow (so `has_more` is exact). */
export async function queryJobPage(
  client: DynamoDBDocumentClient,
  table: string,
  tenantId: string,
  { status, limit, after }: JobListQuery,
): Promise<{ items: Record<string, unknown>[]; next: string | null }> {
  const index = listIndex(tenantId, status);
  let start: Record<string, unknown> | undefined;
  if (after !== undefined) {
    const m = LIST_POSITION.exec(after);
    if (!m) throw new Error('job list position is malformed');
    // The index's LastEvaluatedKey: the table key and the index key of the last job returned.
    start = { ...jobKey(m[2]!), [index.pk]: index.value, gsi1sk: after };
  }
  // One more than asked for tells whether another page follows.
  const items: Record<string, unknown>[] = [];
  do {
    const out = await client.send(
      new QueryCommand({ ...indexQuery(table, index), ScanIndexForward: false, Limit: limit + 1 - items.length, ExclusiveStartKey: start }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start && items.length <= limit);
  const page = items.slice(0, limit);
  const last = page.at(-1);
  return { items: page, next: items.length > limit && last ? listSortKey(last as { created_at: string; id: string }) : null };
}

/** How many jobs the tenant has (of one status): COUNT queries, page by page. */
export async function countJobItems(client: DynamoDBDocumentClient, table: string, tenantId: string, status: JobStatus | null): Promise<number> {
  const index = listIndex(tenantId, status);
  let total = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await client.send(new QueryCommand({ ...indexQuery(table, index), Select: 'COUNT', ExclusiveStartKey: start }));
    total += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  return total;
}
