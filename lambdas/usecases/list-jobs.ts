import type { JobStore } from '../adapters/job-store';
import { listJobsQuerySchema } from '../core/jobs/list-request';
import { jobListEntry } from '../core/jobs/view';
import { createCursor, verifyCursor, type CursorContext } from '../core/list-cursor';
import type { SigningKeys } from '../core/tokens';
import { parseOrThrow } from '../core/validation';

export interface ListJobsDeps {
  readonly store: JobStore;
  /** The download-token keys; cursors are signed with a key derived from them. */
  readonly signingKeys: () => Promise<SigningKeys>;
}

/**
 * `GET /jobs`: a page of the tenant's jobs, newest first, with the total for
 * the filter and a signed cursor to the next page. A cursor verifies only for
 * the tenant and status filter it was issued for.
 */
export async function listJobs(deps: ListJobsDeps, tenantId: string, query: unknown) {
  const { limit, cursor, status } = parseOrThrow(listJobsQuerySchema, query ?? {});
  const context: CursorContext = { tenantId, status: status ?? null };
  const keys = await deps.signingKeys();
  const after = cursor === undefined ? undefined : verifyCursor(cursor, context, keys);
  const [page, total] = await Promise.all([
    deps.store.listJobs(tenantId, { status: status ?? null, limit, after }),
    deps.store.countJobs(tenantId, status ?? null),
  ]);
  return {
    jobs: page.jobs.map(jobListEntry),
    meta: {
      limit,
      total,
      next_cursor: page.next === null ? null : createCursor(page.next, context, keys),
      has_more: page.next !== null,
    },
  };
}
