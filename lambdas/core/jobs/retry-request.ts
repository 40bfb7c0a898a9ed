import { z } from 'zod';

/**
 * The optional body of `POST /jobs/:id/retry` (docs/API.md "Retry a job").
 * `from_checkpoint` defaults to true, as Eazip documents it: completed ZIPs
 * are kept and failed ones resume from their last checkpoint. `false`
 * rebuilds everything (a split job is probed and packed again), for sources
 * that changed since the failure.
 */
export const retryJobRequestSchema = z.strictObject(
  {
    from_checkpoint: z.boolean({ error: 'must be true or false' }).default(true),
  },
  { error: 'the body must be a JSON object' },
);

export type RetryJobRequest = z.infer<typeof retryJobRequestSchema>;
