import { z } from 'zod';

/** A configured bucket's name (the `:name` of `/settings/buckets/:name`, a job's `bucket_name`). */
export const BUCKET_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
export const BUCKET_NAME_RULE = 'must be 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit';

const text = (max: number) => z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }).max(max, { error: `must be at most ${max} characters` });

/** The body of `PUT /settings/buckets/:name`. */
export const bucketSettingsRequestSchema = z
  .strictObject(
    {
      service: z.enum(['s3', 'r2'], { error: 'must be "s3" or "r2"' }),
      // S3's bucket naming rules (R2's are a subset of them).
      bucket: z
        .string({ error: 'must be a string' })
        .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: 'must be a bucket name: 3-63 lower-case letters, digits, "." or "-"' }),
      region: z.string({ error: 'must be a string' }).regex(/^[a-z]{2}(-[a-z]+)+-\d$|^auto$/, { error: 'must be a region such as eu-west-1' }).optional(),
      account_id: z.string({ error: 'must be a string' }).regex(/^[A-Za-z0-9]{1,64}$/, { error: 'must be an account id (letters and digits)' }).optional(),
      access_key_id: text(256).optional(),
      secret_access_key: text(256).optional(),
      endpoint: text(2048).optional(),
    },
    { error: 'the body must be a JSON object' },
  )
  .superRefine((body, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if ((body.access_key_id === undefined) !== (body.secret_access_key === undefined)) {
      issue(body.access_key_id === undefined ? 'access_key_id' : 'secret_access_key', 'access_key_id and secret_access_key go together');
    }
    const keys = body.access_key_id !== undefined;
    if (body.service === 'r2') {
      if (body.account_id === undefined && body.endpoint === undefined) issue('account_id', 'is required for an r2 bucket (or give its endpoint)');
      if (!keys) issue('access_key_id', 'is required for an r2 bucket (an R2 API token with write access)');
      if (body.region !== undefined && body.region !== 'auto') issue('region', 'an r2 bucket has no region but "auto"');
    } else {
      if (body.account_id !== undefined) issue('account_id', 'is only for an r2 bucket');
      if (body.endpoint !== undefined && !keys) issue('access_key_id', 'is required with an endpoint');
    }
  });

export type BucketSettingsRequest = z.infer<typeof bucketSettingsRequestSchema>;
