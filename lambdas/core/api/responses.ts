import { z } from 'zod';
import { JOB_STATUSES, type JobStatus } from '../jobs/model';

/**
 * Response bodies, written once: the views (core/jobs/view.ts, the schedule
 * and webhook use cases) are typed from these, `/openapi.json` is generated
 * from them, and the e2e suite checks every response against that document.
 *
 * Objects are closed (`z.strictObject`, `additionalProperties: false` in the
 * document): a field a view gains without its schema fails the type check and
 * the e2e validation, so the document never lags the service. Open maps
 * (`metadata`, a schedule's job template) say so with `z.record`/`z.looseObject`.
 */

const timestamp = z.string().meta({ format: 'date-time', description: 'ISO 8601, UTC' });
const nullableInt = z.number().int().min(0).nullable();

export const jobStatusSchema = z.enum(JOB_STATUSES as [JobStatus, ...JobStatus[]]);
export const zipStatusSchema = z.enum(['pending', 'processing', 'completed', 'failed']);

/** A file that could not be packaged (`url` set) or a job-level fault (no `url`). */
export const jobErrorSchema = z.strictObject({ url: z.string().optional(), error: z.string() });

export const zipViewSchema = z.strictObject({
  id: z.string(),
  sequence: z.number().int().min(1),
  status: zipStatusSchema,
  filename: z.string(),
  file_count: z.number().int().min(0),
  size: nullableInt.meta({ description: 'bytes; null until the ZIP is completed' }),
  download_url: z.string().nullable().meta({ description: 'signed link, only for a completed ZIP of a job that has not expired' }),
  location: z.strictObject({ service: z.enum(['s3', 'r2']), bucket: z.string(), key: z.string() }).optional().meta({ description: "where the ZIP is written, for a job into one of the tenant's buckets" }),
  errors: z.array(jobErrorSchema).optional().meta({ description: "this ZIP's among the job's shown errors" }),
  errors_count: z.number().int().min(0).meta({ description: "all of this ZIP's errors, shown or not" }),
});

/** A stored object as a request names it (exactly one of path, id, folder). */
export const storedObjectRefSchema = z.strictObject({
  path: z.string().optional(),
  id: z.string().optional(),
  folder: z.string().optional(),
  version: z.number().int().min(1).optional(),
  revision: z.string().optional(),
  override: z.string().optional(),
});

/** The fields of every view of a job (`GET /jobs` entries and `GET /jobs/{id}`). */
const jobSummaryShape = {
  id: z.string(),
  status: jobStatusSchema,
  url_count: z.number().int().min(0),
  file_count: nullableInt.meta({ description: 'files packaged into completed ZIPs; known once the job ends' }),
  zip_filename: z.string(),
  zip_size: nullableInt,
  multi_zip: z.boolean(),
  zip_count: z.number().int().min(0),
  total_size: nullableInt,
  max_zip_size_bytes: z.number().int().nullable(),
  fail_on_url_error: z.boolean(),
  created_at: timestamp,
  completed_at: timestamp.nullable(),
  expires_at: timestamp,
};

export const jobListEntrySchema = z.strictObject(jobSummaryShape);

export const webhookStateSchema = z.strictObject({
  id: z.string(),
  status: z.enum(['pending', 'delivered', 'failed', 'gone']),
  attempts: z.number().int().min(0),
  last_error: z.string().nullable(),
});

const entryName = z.string().nullable().meta({ description: 'the name the file got in its ZIP; null until the ZIP is built with it, for a file left out, and in a job naming stored objects' });

/** A requested file as `files[]` and `GET /jobs/{id}/files` show it. */
export const fileViewSchema = z.union([
  z.strictObject({ url: z.string(), filename: z.string().nullable(), entry_name: entryName }),
  z.strictObject({ object: storedObjectRefSchema, entry_name: entryName }).meta({ description: "a stored object of the tenant's paket, as the request named it" }),
]);

export const jobDetailSchema = z.strictObject({
  ...jobSummaryShape,
  files: z.array(fileViewSchema).meta({ description: 'every file while the answer fits in 5 MB, else the first ones (`files_truncated`)' }),
  files_truncated: z.boolean().meta({ description: '`files` stops short of every file: GET /jobs/{id}/files lists them all' }),
  urls: z.array(z.string()).optional().meta({ description: 'the URLs as given, for a job created with the `urls: string[]` form' }),
  metadata: z.record(z.string(), z.string()).nullable(),
  split_strategy: z.enum(['preserve-order', 'ffd']),
  allow_oversize_zips: z.boolean(),
  fail_on_zip_error: z.boolean(),
  mode: z.enum(['stored', 'stream']),
  compression: z.enum(['auto', 'store', 'deflate']),
  download_url: z.string().nullable(),
  errors: z.array(jobErrorSchema).meta({ description: 'at most 1,000: the faults, then the first file errors' }),
  errors_count: z.number().int().min(0).meta({ description: "all of the job's errors: GET /jobs/{id}/errors lists them" }),
  zips: z.array(zipViewSchema),
  progress: z.strictObject({ files_done: z.number().int().min(0), files_total: z.number().int().min(0), bytes_done: z.number().int().min(0) }),
  webhook: webhookStateSchema.nullable().meta({ description: 'null until a webhook is first attempted, and for jobs with no URL' }),
});

export const listMetaSchema = z.strictObject({
  limit: z.number().int(),
  total: z.number().int().min(0),
  next_cursor: z.string().nullable(),
  has_more: z.boolean(),
});

export const scheduleRunSchema = z.strictObject({
  job_id: z.string().nullable(),
  status: z.union([jobStatusSchema, z.literal('expired')]).meta({ description: "the job's status now; a run that made no job is failed" }),
  created_at: timestamp,
  error: z.string().optional(),
});

const scheduleShape = {
  id: z.string(),
  name: z.string().nullable(),
  schedule_expression: z.string(),
  timezone: z.string(),
  enabled: z.boolean(),
  job: z.looseObject({}).meta({ description: 'the POST /jobs body, as sent' }),
  created_at: timestamp,
  updated_at: timestamp,
  last_run_at: timestamp.nullable(),
  last_status: scheduleRunSchema.shape.status.nullable(),
};

export const scheduleSummarySchema = z.strictObject(scheduleShape);
export const scheduleDetailSchema = z.strictObject({ ...scheduleShape, recent_jobs: z.array(scheduleRunSchema).meta({ description: 'the last 10 runs, newest first' }) });

export const bucketSchema = z.strictObject({
  name: z.string(),
  service: z.enum(['s3', 'r2']),
  bucket: z.string(),
  region: z.string().optional().meta({ description: 's3 buckets only' }),
  account_id: z.string().optional(),
  endpoint: z.string().optional(),
  created_at: timestamp,
  updated_at: timestamp,
});

export const paketSchema = z.strictObject({
  bucket_name: z.string().meta({ description: 'a bucket of PUT /settings/buckets/{name}' }),
  prefix: z.string().meta({ description: "the key prefix the paket's paths start below ('' for the whole bucket)" }),
  updated_at: timestamp,
});

export const objectVersionSchema = z.strictObject({
  version: z.number().int().min(1).meta({ description: '1 = the oldest' }),
  revision: z.string().nullable().meta({ description: "the storage's version id; null in an unversioned bucket" }),
  size: z.number().int().min(0),
  last_modified: timestamp,
});

export const storedObjectSchema = z.strictObject({
  id: z.string().meta({ description: 'stable id (UUIDv4), given on first sight' }),
  path: z.string().meta({ description: "path in the paket, starting with '/'" }),
  size: z.number().int().min(0),
  last_modified: timestamp,
  versions: z.array(objectVersionSchema).meta({ description: 'newest first' }),
});

export const webhookSettingsSchema = z.strictObject({ url: z.string().nullable(), secret: z.string() });

/** `{success: true, …fields}`: the envelope of every success. */
export const ok = <S extends z.ZodRawShape>(fields: S) => z.strictObject({ success: z.literal(true), ...fields });
/** A success whose fields are one of the objects above. */
export const okWith = <S extends z.ZodRawShape>(object: z.ZodObject<S>) => ok(object.shape);

export const errorEnvelopeSchema = z.strictObject({
  success: z.literal(false),
  error: z.strictObject({
    code: z.string().meta({ examples: ['INVALID_REQUEST', 'UNAUTHORIZED', 'NOT_FOUND'] }),
    message: z.string(),
    details: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional(),
  }),
});

export type JobListEntry = z.infer<typeof jobListEntrySchema>;
export type JobDetail = z.infer<typeof jobDetailSchema>;
export type ZipView = z.infer<typeof zipViewSchema>;
export type ScheduleSummary = z.infer<typeof scheduleSummarySchema>;
export type ScheduleDetail = z.infer<typeof scheduleDetailSchema>;
export type ScheduleRunView = z.infer<typeof scheduleRunSchema>;
export type BucketView = z.infer<typeof bucketSchema>;
export type PaketView = z.infer<typeof paketSchema>;
export type StoredObjectView = z.infer<typeof storedObjectSchema>;
export type WebhookSettingsView = z.infer<typeof webhookSettingsSchema>;

/** `POST /v2/zipball`'s `data`, as BitPaket's clients read it. */
export const zipballSchema = z.strictObject({
  ball_id: z.string().meta({ description: 'the ball (a UUIDv4); its id is the credential to download it' }),
  urls: z.strictObject({
    url: z.string().meta({ description: '`<base>/<ball_id>.zip?zipball`' }),
    domains: z.array(z.strictObject({ domain: z.string(), url: z.string() })).meta({ description: 'the same link on each custom domain' }),
  }),
});
