import { z } from 'zod';

/**
 * The optional body of `POST /jobs/:id/retry` (API.md "Retry").
 * `from_checkpoint` defaults to false: without it a retry rebuilds everything
 * (split jobs are probed and packed again), the predictable choice when the
 * sources may have changed since the failure; keeping finished ZIPs is opt-in.
 */
export const retryJobRequestSchema = z.strictObject(
  {
    from_checkpoint: z.boolean({ error: 'must be true or false' }).default(false),
  },
  { error: 'the body must be a JSON object' },
);

export type RetryJobRequest = z.infer<typeof retryJobRequestSchema>;
