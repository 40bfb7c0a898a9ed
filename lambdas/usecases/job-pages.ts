import { ANSWER_LIMITS } from '../core/jobs/answer-limits';
import { jobPageQuerySchema } from '../core/jobs/list-request';
import { formatPosition, parsePosition, takeWithinBytes, type ListPosition } from '../core/jobs/long-lists';
import type { JobError } from '../core/jobs/model';
import { fileViews, jobErrorCount, jobFaults } from '../core/jobs/view';
import { createCursor, verifyCursor, type CursorContext } from '../core/list-cursor';
import { invalidField, parseOrThrow } from '../core/validation';
import { entryNamesOf, ownJob, requestedFilesOf, type ReadJobDeps } from './read-job';

/** The download-token keys sign the cursors too (with a key derived from them). */
export type JobPagesDeps = ReadJobDeps;

const badCursor = () => invalidField('cursor', 'is not a cursor this listing issued (use meta.next_cursor as given)');

/** The page's cursor position, verified for this tenant and listing; undefined for the first page. */
async function pagePosition(deps: JobPagesDeps, context: CursorContext, cursor: string | undefined) {
  const keys = await deps.signingKeys();
  const position = cursor === undefined ? undefined : verifyCursor(cursor, context, keys);
  const next = (p: string | null) => ({ next_cursor: p === null ? null : createCursor(p, context, keys), has_more: p !== null });
  return { position, next };
}

/**
 * Where an `/errors` page starts: the job's faults come first (`f.<n>`),
 * then its list of file errors (a list position).
 */
type ErrorsPosition = { faults: number } | { list: ListPosition };

function parseErrorsPosition(text: string | undefined): ErrorsPosition {
  if (text === undefined) return { faults: 0 };
  const fault = /^f\.(\d{1,6})$/.exec(text);
  if (fault) return { faults: Number(fault[1]) };
  const list = parsePosition(text);
  if (!list) throw badCursor();
  return { list };
}

/**
 * `GET /jobs/:id/errors`: every error of the job exactly once, in the order
 * `GET /jobs/:id` shows the first of them (faults, then file errors of the
 * job and of each ZIP in sequence), a page at a time.
 */
export async function listJobErrors(deps: JobPagesDeps, tenantId: string, jobId: string, query: unknown) {
  const { limit, cursor } = parseOrThrow(jobPageQuerySchema, query ?? {});
  const { job, zips } = await ownJob(deps.store, tenantId, jobId);
  const page = await pagePosition(deps, { tenantId, status: null, listing: `errors/${job.id}` }, cursor);
  const from = parseErrorsPosition(page.position);
  const faults = jobFaults(job, zips);
  let errors: JobError[] = [];
  let next: string | null = null;
  if ('faults' in from) {
    errors = takeWithinBytes(faults.slice(from.faults, from.faults + limit), ANSWER_LIMITS.bytes);
    const after = from.faults + errors.length;
    if (after < faults.length) next = `f.${after}`;
  }
  const used = errors.length;
  if (next === null && used < limit) {
    const listFrom = 'list' in from ? from.list : null;
    const window = await deps.lists.errors.read(job.id, listFrom, { items: limit - used, bytes: ANSWER_LIMITS.bytes });
    errors = [...errors, ...window.items.map((e) => e.item)];
    next = window.next === null ? null : formatPosition(window.next);
  } else if (next === null) {
    // The page is full of faults: the list (perhaps empty) is next.
    const peek = await deps.lists.errors.read(job.id, null, { items: 1, bytes: Infinity });
    if (peek.items.length > 0) next = formatPosition({ scope: 0, chunk: 0, offset: 0 });
  }
  return { errors, meta: { limit, total: jobErrorCount(job, zips), ...page.next(next) } };
}

/** `GET /jobs/:id/files`: every requested file exactly once, in order, with the name it got in its ZIP. */
export async function listJobFiles(deps: JobPagesDeps, tenantId: string, jobId: string, query: unknown) {
  const { limit, cursor } = parseOrThrow(jobPageQuerySchema, query ?? {});
  const { job } = await ownJob(deps.store, tenantId, jobId);
  const page = await pagePosition(deps, { tenantId, status: null, listing: `files/${job.id}` }, cursor);
  const start = page.position === undefined ? 0 : Number(page.position);
  if (!Number.isSafeInteger(start) || start < 0) throw badCursor();
  const [files, entryNames] = await Promise.all([requestedFilesOf(deps, job), entryNamesOf(deps.lists, job.id)]);
  const views = fileViews(files, entryNames, start, start + limit);
  const shown = takeWithinBytes(views, ANSWER_LIMITS.bytes);
  const after = start + shown.length;
  return { files: shown, meta: { limit, total: files.length, ...page.next(after < files.length ? String(after) : null) } };
}
