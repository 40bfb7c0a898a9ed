import { z } from 'zod';
import { LIMITS } from '../jobs/limits';
import { objectRefSchema } from './request';

/** The body of `POST /v2/zipball`: the objects, and (extension) how long the ball lives. */
export const zipballRequestSchema = z.strictObject(
  {
    objects: z.array(objectRefSchema, { error: 'must be an array of objects' }).min(1, { error: 'must contain at least one object' }),
    expires_in: z
      .number({ error: 'must be an integer number of seconds' })
      .int({ error: 'must be an integer number of seconds' })
      .min(LIMITS.minExpiresIn, { error: `must be at least ${LIMITS.minExpiresIn}` })
      .default(86_400),
  },
  { error: 'the body must be a JSON object' },
);

export type ZipballRequest = z.infer<typeof zipballRequestSchema>;
