import { z } from 'zod';
import { ANSWER_LIMITS } from './answer-limits';
import { JOB_STATUSES, type JobStatus } from './model';

export const LIST_LIMITS = { min: 1, max: 100, default: 20, maxCursorLength: 1024 } as const;

const cursorParameter = z
  .string()
  .min(1, { error: 'must not be empty (omit it for the first page)' })
  .max(LIST_LIMITS.maxCursorLength, { error: 'is not a cursor this listing issued (use meta.next_cursor as given)' })
  .optional();

const limitParameter = (max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d{1,4}$/, { error: `must be an integer from 1 to ${max}` })
    .transform(Number)
    .refine((n) => n >= 1 && n <= max, { error: `must be an integer from 1 to ${max}` })
    .default(fallback);

/** The query of `GET /jobs/:id/errors` and `GET /jobs/:id/files`. */
export const jobPageQuerySchema = z.strictObject(
  { limit: limitParameter(ANSWER_LIMITS.pageItems, ANSWER_LIMITS.pageItems), cursor: cursorParameter },
  { error: 'must be query parameters' },
);

/** The query of `GET /jobs` (docs/API.md "List jobs"); values arrive as strings. Unknown parameters are refused, like unknown body fields. */
export const listJobsQuerySchema = z.strictObject(
  {
    limit: limitParameter(LIST_LIMITS.max, LIST_LIMITS.default),
    cursor: cursorParameter,
    status: z
      .enum(JOB_STATUSES as [JobStatus, ...JobStatus[]], { error: `must be one of ${JOB_STATUSES.join(', ')}` })
      .optional(),
  },
  { error: 'must be query parameters' },
);

export type ListJobsQuery = z.infer<typeof listJobsQuerySchema>;
