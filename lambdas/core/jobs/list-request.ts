import { z } from 'zod';
import { JOB_STATUSES, type JobStatus } from './model';

export const LIST_LIMITS = { min: 1, max: 100, default: 20, maxCursorLength: 1024 } as const;

/** The query of `GET /jobs` (docs/API.md "List jobs"); values arrive as strings. Unknown parameters are refused, like unknown body fields. */
export const listJobsQuerySchema = z.strictObject(
  {
    limit: z
      .string()
      .regex(/^\d{1,3}$/, { error: `must be an integer from ${LIST_LIMITS.min} to ${LIST_LIMITS.max}` })
      .transform(Number)
      .refine((n) => n >= LIST_LIMITS.min && n <= LIST_LIMITS.max, { error: `must be an integer from ${LIST_LIMITS.min} to ${LIST_LIMITS.max}` })
      .default(LIST_LIMITS.default),
    cursor: z
      .string()
      .min(1, { error: 'must not be empty (omit it for the first page)' })
      .max(LIST_LIMITS.maxCursorLength, { error: 'is not a cursor this listing issued (use meta.next_cursor as given)' })
      .optional(),
    status: z
      .enum(JOB_STATUSES as [JobStatus, ...JobStatus[]], { error: `must be one of ${JOB_STATUSES.join(', ')}` })
      .optional(),
  },
  { error: 'must be query parameters' },
);

export type ListJobsQuery = z.infer<typeof listJobsQuerySchema>;
