import { z } from 'zod';

/** Absolute bounds of API.md; a tenant's plan may be stricter (checked in the use case). */
export const LIMITS = {
  minExpiresIn: 300,
  minZipSize: 104_857_600,
  maxZipSize: 536_870_912_000,
  maxMetadataKeys: 10,
  maxMetadataKeyLength: 128,
  maxMetadataValueLength: 1024,
  maxZipFilenameLength: 255,
  maxUrlLength: 8192,
  maxObjectKeyLength: 1024,
} as const;

const httpUrl = z.string({ error: 'must be a string' }).max(LIMITS.maxUrlLength, { error: `must be at most ${LIMITS.maxUrlLength} characters` }).refine(
  (value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    } catch {
      return false;
    }
  },
  { error: 'must be an http or https URL' },
);

const fileSchema = z.strictObject(
  {
    url: httpUrl,
    filename: z.string({ error: 'must be a string' }).optional(),
  },
  { error: 'must be an object with url and optional filename' },
);

const bool = z.boolean({ error: 'must be true or false' });

const metadataSchema = z
  .record(
    z.string().max(LIMITS.maxMetadataKeyLength, { error: `keys must be at most ${LIMITS.maxMetadataKeyLength} characters` }),
    z.string({ error: 'must be a string' }).max(LIMITS.maxMetadataValueLength, { error: `must be at most ${LIMITS.maxMetadataValueLength} characters` }),
    { error: 'must be an object of string values' },
  )
  .refine((m) => Object.keys(m).length <= LIMITS.maxMetadataKeys, { error: `must have at most ${LIMITS.maxMetadataKeys} keys` });

/** The body of `POST /jobs`, field by field as API.md's create table. */
export const createJobRequestSchema = z
  .strictObject(
    {
      files: z.array(fileSchema, { error: 'must be an array of {url, filename?}' }).min(1, { error: 'must contain at least one file' }).optional(),
      urls: z.array(httpUrl, { error: 'must be an array of URLs' }).min(1, { error: 'must contain at least one URL' }).optional(),
      mode: z.literal('stored', { error: 'must be "stored" (stream mode is not available yet)' }).default('stored'),
      zip_filename: z
        .string({ error: 'must be a string' })
        .min(1, { error: 'must not be empty' })
        .max(LIMITS.maxZipFilenameLength, { error: `must be at most ${LIMITS.maxZipFilenameLength} characters` })
        .optional(),
      expires_in: z
        .number({ error: 'must be an integer number of seconds' })
        .int({ error: 'must be an integer number of seconds' })
        .min(LIMITS.minExpiresIn, { error: `must be at least ${LIMITS.minExpiresIn}` })
        .default(86_400),
      fail_on_url_error: bool.default(true),
      metadata: metadataSchema.optional(),
      max_zip_size_bytes: z
        .number({ error: 'must be an integer or null' })
        .int({ error: 'must be an integer or null' })
        .min(LIMITS.minZipSize, { error: `must be at least ${LIMITS.minZipSize}` })
        .max(LIMITS.maxZipSize, { error: `must be at most ${LIMITS.maxZipSize}` })
        .nullable()
        .default(null),
      split_strategy: z.enum(['preserve-order', 'ffd'], { error: 'must be "preserve-order" or "ffd"' }).default('preserve-order'),
      allow_oversize_zips: bool.default(true),
      fail_on_zip_error: bool.default(true),
      compression: z.enum(['auto', 'store', 'deflate'], { error: 'must be "auto", "store" or "deflate"' }).default('auto'),
      // The scheme and address rules depend on the deployment: see webhookUrlProblem.
      webhook_url: z.string({ error: 'must be a string' }).optional(),
      // A tenant's own bucket (its name as configured), the ZIP's key there (its rules: objectKeyProblem) and its service.
      bucket_name: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }).max(63, { error: 'must be at most 63 characters' }).optional(),
      key: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }).max(LIMITS.maxObjectKeyLength, { error: `must be at most ${LIMITS.maxObjectKeyLength} characters` }).optional(),
      service: z.enum(['s3', 'r2'], { error: 'must be "s3" or "r2"' }).optional(),
    },
    { error: 'the body must be a JSON object' },
  )
  .superRefine((body, ctx) => {
    if ((body.files === undefined) === (body.urls === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['files'], message: 'exactly one of files or urls is required' });
    }
    if (body.bucket_name !== undefined && body.key === undefined) ctx.addIssue({ code: 'custom', path: ['key'], message: 'is required with bucket_name' });
    if (body.bucket_name === undefined && body.key !== undefined) ctx.addIssue({ code: 'custom', path: ['bucket_name'], message: 'is required with key' });
    if (body.bucket_name === undefined && body.service !== undefined) ctx.addIssue({ code: 'custom', path: ['bucket_name'], message: 'is required with service' });
  });

export type CreateJobRequest = z.infer<typeof createJobRequestSchema>;

export interface RequestedFile {
  readonly url: string;
  readonly filename: string | null;
}

/** The legacy `urls[]` form means `{url}` entries. */
export function requestedFiles(body: CreateJobRequest): RequestedFile[] {
  if (body.files) return body.files.map((f) => ({ url: f.url, filename: f.filename ?? null }));
  return (body.urls ?? []).map((url) => ({ url, filename: null }));
}
