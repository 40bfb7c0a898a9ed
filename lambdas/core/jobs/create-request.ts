import { z } from 'zod';
import { objectRefSchema, toObjectRef, type ObjectRef } from '../objects/request';
import { parseObjectUrl } from '../objects/paket';
import { LIMITS } from './limits';

/** An http(s) URL, or `s3://<bucket_name>/<key>`: an object in one of the tenant's configured buckets. */
const sourceUrl = z.string({ error: 'must be a string' }).max(LIMITS.maxUrlLength, { error: `must be at most ${LIMITS.maxUrlLength} characters` }).refine(
  (value) => {
    if (value.startsWith('s3://')) return parseObjectUrl(value) !== undefined;
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    } catch {
      return false;
    }
  },
  { error: 'must be an http or https URL, or s3://<bucket_name>/<key>' },
);

/**
 * A file: a URL (with an optional filename), or an object of the tenant's
 * paket (`object`: path, id or folder, named by the objects' own rules).
 * One object schema with a refinement rather than a union, so that every
 * message names the field (`files[0].object.path`), not the union. Inline
 * (`files[i]`) or in an uploaded list (`files_from[i]`).
 */
export const fileSchema = z
  .strictObject(
    {
      url: sourceUrl.optional(),
      object: objectRefSchema.optional(),
      // null as absent: the job's own answer shows `"filename": null`, and typed clients send it so.
      filename: z.string({ error: 'must be a string' }).nullish(),
    },
    { error: 'must be an object with url (and optional filename) or object' },
  )
  .superRefine((file, ctx) => {
    if ((file.url === undefined) === (file.object === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: file.url === undefined ? 'url or object is required' : 'give url or object, not both' });
    }
    if (file.object !== undefined && file.filename != null) {
      ctx.addIssue({ code: 'custom', path: ['filename'], message: 'is not allowed with object (name an id object with override)' });
    }
  });

/**
 * `urls` holds either Eazip's older form (URL strings) or ZipKit's
 * (`{url, filename}` objects, the same as `files`); one array holds one kind
 * (checked in the body's refinement, so the message names the element).
 */
const urlEntrySchema = z.union([sourceUrl, fileSchema], { error: 'must be a URL or an object {url, filename?}' });

const bool = z.boolean({ error: 'must be true or false' });

const metadataKey = z.string().max(LIMITS.maxMetadataKeyLength, { error: `keys must be at most ${LIMITS.maxMetadataKeyLength} characters` });
const metadataValue = z.string({ error: 'must be a string' }).max(LIMITS.maxMetadataValueLength, { error: `must be at most ${LIMITS.maxMetadataValueLength} characters` });

/**
 * Metadata keys are the client's: any name, `__proto__` and `constructor`
 * included, must round-trip. zod's record assigns keys one by one (a
 * `__proto__` key vanishes), so the map is checked entry by entry and rebuilt
 * with Object.fromEntries, which defines every key as an own property.
 */
const metadataSchema = z
  .custom<Record<string, unknown>>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), { error: 'must be an object of string values' })
  .transform((value, ctx): Record<string, string> => {
    const entries = Object.entries(value);
    if (entries.length > LIMITS.maxMetadataKeys) ctx.addIssue({ code: 'custom', message: `must have at most ${LIMITS.maxMetadataKeys} keys` });
    for (const [key, item] of entries) {
      for (const [schema, input] of [[metadataKey, key], [metadataValue, item]] as const) {
        const checked = schema.safeParse(input);
        if (!checked.success) ctx.addIssue({ code: 'custom', path: [key], message: checked.error.issues[0]!.message });
      }
    }
    return Object.fromEntries(entries) as Record<string, string>;
  });

/**
 * The body of `POST /jobs`, field by field as docs/API.md's create table.
 * One flat object of fields; cross-field rules go in the refinement below.
 */
export const createJobRequestSchema = z
  .strictObject(
    {
      files: z.array(fileSchema, { error: 'must be an array of {url, filename?} or {object}' }).min(1, { error: 'must contain at least one file' }).optional(),
      urls: z
        .array(urlEntrySchema, { error: 'must be an array of URLs or of {url, filename?}' })
        .min(1, { error: 'must contain at least one URL' })
        .optional(),
      // The id POST /uploads gave; the list is read and checked by the workflow.
      files_from: z.uuid({ error: 'must be an upload_id from POST /uploads' }).optional(),
      mode: z.enum(['stored', 'stream'], { error: 'must be "stored" or "stream"' }).default('stored'),
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
      // null as absent, as the job's answer shows it.
      metadata: metadataSchema.nullish(),
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
    if ([body.files, body.urls, body.files_from].filter((v) => v !== undefined).length !== 1) {
      ctx.addIssue({ code: 'custom', path: ['files'], message: 'exactly one of files, urls or files_from is required' });
    }
    if (body.bucket_name !== undefined && body.key === undefined) ctx.addIssue({ code: 'custom', path: ['key'], message: 'is required with bucket_name' });
    if (body.bucket_name === undefined && body.key !== undefined) ctx.addIssue({ code: 'custom', path: ['bucket_name'], message: 'is required with key' });
    if (body.bucket_name === undefined && body.service !== undefined) ctx.addIssue({ code: 'custom', path: ['bucket_name'], message: 'is required with service' });
    const urls = body.urls ?? [];
    const strings = typeof urls[0] === 'string';
    urls.forEach((entry, i) => {
      if ((typeof entry === 'string') === strings) return;
      const kind = strings ? 'a URL string' : 'an object {url, filename?}';
      ctx.addIssue({ code: 'custom', path: ['urls', i], message: `must be ${kind}, as urls[0] is (one array holds one kind)` });
    });
  });

export type CreateJobRequest = z.infer<typeof createJobRequestSchema>;

export interface RequestedFile {
  /** An http(s) or `s3://` URL; '' for an object of the paket. */
  readonly url: string;
  readonly filename: string | null;
  /** An object of the paket (path, id or folder), resolved by Prepare. */
  readonly object?: ObjectRef;
}

/** The field that holds the file list, for messages. */
export function fileListField(body: CreateJobRequest): 'files' | 'urls' {
  return body.files ? 'files' : 'urls';
}

/** Eazip's older form, `urls: string[]`: the job then shows `urls` as given, beside `files`. */
export function isLegacyUrlList(body: CreateJobRequest): boolean {
  return typeof body.urls?.[0] === 'string';
}

/** A URL string means `{url}`; an object of `urls` (ZipKit's form) is a `files` entry; a `files_from` job has none yet. */
export function requestedFiles(body: CreateJobRequest): RequestedFile[] {
  return (body.files ?? body.urls ?? []).map((entry) => {
    if (typeof entry === 'string') return { url: entry, filename: null };
    if (entry.object !== undefined) return { url: '', filename: null, object: toObjectRef(entry.object) };
    return { url: entry.url!, filename: entry.filename ?? null };
  });
}
