import { z } from 'zod';
import { BUCKET_NAME_PATTERN, BUCKET_NAME_RULE } from '../buckets/settings-request';
import { MAX_OBJECT_PATH_LENGTH } from './request';

/** The body of `PUT /settings/paket`: one of the tenant's configured buckets, and optionally a prefix in it. */
export const paketSettingsRequestSchema = z.strictObject(
  {
    bucket_name: z.string({ error: 'must be a string' }).regex(BUCKET_NAME_PATTERN, { error: BUCKET_NAME_RULE }),
    prefix: z
      .string({ error: 'must be a string' })
      .max(MAX_OBJECT_PATH_LENGTH, { error: `must be at most ${MAX_OBJECT_PATH_LENGTH} characters` })
      .regex(/^[^\u0000-\u001f\u007f\\]*$/, { error: 'must not contain control characters or "\\"' })
      .optional(),
  },
  { error: 'the body must be a JSON object' },
);

/** `GET /objects` query. */
export const listObjectsQuerySchema = z.strictObject({
  prefix: z.string({ error: 'must be a string' }).max(MAX_OBJECT_PATH_LENGTH, { error: `must be at most ${MAX_OBJECT_PATH_LENGTH} characters` }).optional(),
  cursor: z.string({ error: 'must be a string' }).max(4096, { error: 'is not a cursor this listing issued' }).optional(),
  limit: z.coerce.number({ error: 'must be an integer from 1 to 1000' }).int({ error: 'must be an integer from 1 to 1000' }).min(1, { error: 'must be an integer from 1 to 1000' }).max(1000, { error: 'must be an integer from 1 to 1000' }).default(100),
});
