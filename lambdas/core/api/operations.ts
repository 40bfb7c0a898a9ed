import { z } from 'zod';
import { bucketSettingsRequestSchema } from '../buckets/settings-request';
import { createJobRequestSchema } from '../jobs/create-request';
import { listObjectsQuerySchema, paketSettingsRequestSchema, zipballRequestSchema } from '../objects';
import { jobPageQuerySchema, listJobsQuerySchema } from '../jobs/list-request';
import { retryJobRequestSchema } from '../jobs/retry-request';
import { createScheduleRequestSchema, updateScheduleRequestSchema } from '../schedules/request';
import { webhookSettingsRequestSchema } from '../webhooks/settings-request';
import {
  bucketSchema,
  fileViewSchema,
  jobErrorSchema,
  jobDetailSchema,
  jobListEntrySchema,
  listMetaSchema,
  ok,
  okWith,
  paketSchema,
  scheduleDetailSchema,
  zipballSchema,
  storedObjectSchema,
  scheduleSummarySchema,
  webhookSettingsSchema,
} from './responses';

/**
 * The API's one list of operations: route, handler function, the zod schemas
 * that validate its input and describe its responses. The stack builds a
 * method per entry (lib/functions.ts), the local stack serves them, and
 * `GET /openapi.json` is generated from them (core/api/openapi.ts).
 *
 * Adding a route is one entry here:
 * - `method`, `path` (`{name}` for a path parameter), `fn` (a function of
 *   lib/functions.ts' `functionSpecs`), a unique `id` and a `summary`;
 * - `auth: false` only for routes that need no API key;
 * - `body` / `query`: the schema the use case parses the input with (the same
 *   object, imported, never a copy);
 * - `responses`: per status, `json` a schema from core/api/responses.ts (new
 *   response shapes go there, and the view that builds them is typed from it),
 *   or `media` for a non-JSON body. Errors need nothing: every operation
 *   answers the error envelope for any status it does not list.
 * A new field in a response is one line in its schema in core/api/responses.ts.
 */

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ResponseSpec {
  readonly description: string;
  /** A JSON body with this shape. */
  readonly json?: z.ZodType;
  /** A non-JSON body of this media type. */
  readonly media?: string;
  /** Response headers (name → description). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ApiOperation {
  readonly id: string;
  readonly method: HttpMethod;
  /** API Gateway resource path; `{name}` is a path parameter. */
  readonly path: string;
  /** The Lambda function serving it (a key of functionSpecs). */
  readonly fn: string;
  readonly summary: string;
  /** Needs an API key. @default true */
  readonly auth?: boolean;
  readonly query?: z.ZodObject;
  readonly body?: z.ZodType;
  /** Request headers (name → description). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly responses: Readonly<Record<number, ResponseSpec>>;
}

const scheduleId = { schedule_id: z.string() };

const zipStreamHeaders = {
  'Content-Length': 'known when every size is (STORE entries)',
  ETag: 'names this version of the archive (STORE entries)',
  'Accept-Ranges': '`bytes` when ranges can be served, else `none`',
  'Content-Disposition': 'attachment; filename=…',
};

export const apiOperations = [
  {
    id: 'createJob',
    method: 'POST',
    path: '/jobs',
    fn: 'CreateJob',
    summary: 'Create a job: ZIP the files at these URLs',
    body: createJobRequestSchema,
    headers: { 'Idempotency-Key': 'makes the create safe to repeat for 24 h (≤ 255 characters)' },
    responses: { 201: { description: 'the job was accepted', json: ok({ job_id: z.string() }) } },
  },
  {
    id: 'listJobs',
    method: 'GET',
    path: '/jobs',
    fn: 'ListJobs',
    summary: "A page of the tenant's jobs, newest first",
    query: listJobsQuerySchema,
    responses: { 200: { description: 'a page of jobs', json: ok({ jobs: z.array(jobListEntrySchema), meta: listMetaSchema }) } },
  },
  {
    id: 'getJob',
    method: 'GET',
    path: '/jobs/{id}',
    fn: 'GetJob',
    summary: 'A job with its ZIPs, progress, errors and download links',
    responses: { 200: { description: 'the job, in `job` (as Eazip clients read it)', json: ok({ job: jobDetailSchema }) } },
  },
  {
    id: 'listJobErrors',
    method: 'GET',
    path: '/jobs/{id}/errors',
    fn: 'GetJob',
    summary: "Every error of a job, a page at a time (in the order of the job's errors)",
    query: jobPageQuerySchema,
    responses: { 200: { description: 'a page of errors', json: ok({ errors: z.array(jobErrorSchema), meta: listMetaSchema }) } },
  },
  {
    id: 'listJobFiles',
    method: 'GET',
    path: '/jobs/{id}/files',
    fn: 'GetJob',
    summary: 'Every requested file of a job with the name it got, a page at a time',
    query: jobPageQuerySchema,
    responses: { 200: { description: 'a page of files', json: ok({ files: z.array(fileViewSchema), meta: listMetaSchema }) } },
  },
  {
    id: 'createUpload',
    method: 'POST',
    path: '/uploads',
    fn: 'CreateUpload',
    summary: 'A URL to PUT a file list too big for a request body (JSON array or NDJSON of {url, filename?}, up to 100 MB), for POST /jobs files_from',
    responses: {
      201: {
        description: 'the upload: PUT the list to `url` before `expires_at`',
        json: ok({ upload_id: z.string(), url: z.string(), expires_at: z.string().meta({ format: 'date-time' }), max_bytes: z.number().int() }),
      },
    },
  },
  {
    id: 'retryJob',
    method: 'POST',
    path: '/jobs/{id}/retry',
    fn: 'RetryJob',
    summary: 'Start a failed job again',
    body: retryJobRequestSchema,
    responses: { 200: { description: 'the job is pending again', json: ok({ job_id: z.string() }) } },
  },
  {
    id: 'download',
    method: 'GET',
    path: '/download/{token}',
    fn: 'Download',
    summary: 'The ZIP a download link names: a redirect to storage (stored mode), or the ZIP streamed as it is built (stream mode, with Range)',
    auth: false,
    headers: { Range: 'stream mode: one range, `bytes=a-b`, `bytes=a-` or `bytes=-n`', 'If-Range': 'stream mode: the ETag a partial download began with' },
    responses: {
      200: { description: 'stream mode: the whole ZIP', media: 'application/zip', headers: zipStreamHeaders },
      206: { description: 'stream mode: the range asked for', media: 'application/zip', headers: { ...zipStreamHeaders, 'Content-Range': 'bytes a-b/total' } },
      302: { description: 'stored mode: the ZIP is at Location', headers: { Location: 'a presigned storage URL, valid for 5 minutes' } },
      416: { description: 'stream mode: the range lies outside the ZIP', headers: { 'Content-Range': 'bytes */total' } },
    },
  },
  {
    id: 'downloadHead',
    method: 'HEAD',
    path: '/download/{token}',
    fn: 'Download',
    summary: 'As GET, without a body (stored mode: a redirect to a URL presigned for HEAD)',
    auth: false,
    responses: {
      200: { description: 'stream mode: the headers of the whole ZIP', headers: zipStreamHeaders },
      206: { description: 'stream mode: the headers of the range', headers: { ...zipStreamHeaders, 'Content-Range': 'bytes a-b/total' } },
      302: { description: 'stored mode: the ZIP is at Location', headers: { Location: 'a presigned storage URL, valid for 5 minutes' } },
      416: { description: 'stream mode: the range lies outside the ZIP', headers: { 'Content-Range': 'bytes */total' } },
    },
  },
  {
    id: 'createZipball',
    method: 'POST',
    path: '/v2/zipball',
    fn: 'CreateJob',
    summary: "Make a ZipBall: one link to a ZIP of the paket's objects (paths, ids, folders, versions), streamed when downloaded",
    body: zipballRequestSchema,
    responses: { 201: { description: 'the ball and its links', json: ok({ data: zipballSchema }) } },
  },
  {
    id: 'zipballDownload',
    method: 'GET',
    path: '/{ball}',
    fn: 'Download',
    summary: 'A ZipBall, `/<ball_id>.zip` (`?zipball` optional): the ZIP streamed as it is built, whole or one range; waits while the ball is prepared',
    auth: false,
    headers: { Range: 'one range, `bytes=a-b`, `bytes=a-` or `bytes=-n`', 'If-Range': 'the ETag a partial download began with' },
    responses: {
      200: { description: 'the whole ZIP', media: 'application/zip', headers: zipStreamHeaders },
      206: { description: 'the range asked for', media: 'application/zip', headers: { ...zipStreamHeaders, 'Content-Range': 'bytes a-b/total' } },
      416: { description: 'the range lies outside the ZIP', headers: { 'Content-Range': 'bytes */total' } },
    },
  },
  {
    id: 'zipballDownloadHead',
    method: 'HEAD',
    path: '/{ball}',
    fn: 'Download',
    summary: 'As GET /<ball_id>.zip, without a body',
    auth: false,
    responses: {
      200: { description: 'the headers of the whole ZIP', headers: zipStreamHeaders },
      206: { description: 'the headers of the range', headers: { ...zipStreamHeaders, 'Content-Range': 'bytes a-b/total' } },
    },
  },
  {
    id: 'health',
    method: 'GET',
    path: '/health',
    fn: 'Health',
    summary: 'The service answers',
    auth: false,
    responses: { 200: { description: 'healthy', json: ok({ status: z.literal('ok') }) } },
  },
  {
    id: 'getWebhookSettings',
    method: 'GET',
    path: '/settings/webhook',
    fn: 'WebhookSettings',
    summary: "The tenant's default webhook URL and signing secret (created on first use)",
    responses: { 200: { description: 'the settings', json: okWith(webhookSettingsSchema) } },
  },
  {
    id: 'putWebhookSettings',
    method: 'PUT',
    path: '/settings/webhook',
    fn: 'WebhookSettings',
    summary: "Set or (with null) clear the tenant's default webhook URL",
    body: webhookSettingsRequestSchema,
    responses: { 200: { description: 'the settings', json: okWith(webhookSettingsSchema) } },
  },
  {
    id: 'rotateWebhookSecret',
    method: 'POST',
    path: '/settings/webhook/rotate',
    fn: 'WebhookSettings',
    summary: 'A new signing secret; the old one keeps signing alongside it for 24 h',
    responses: { 200: { description: 'the settings', json: okWith(webhookSettingsSchema) } },
  },
  {
    id: 'listBuckets',
    method: 'GET',
    path: '/settings/buckets',
    fn: 'BucketSettings',
    summary: "The tenant's own buckets (S3, R2 or S3-compatible), by name",
    responses: { 200: { description: 'the buckets', json: ok({ buckets: z.array(bucketSchema) }) } },
  },
  {
    id: 'getBucket',
    method: 'GET',
    path: '/settings/buckets/{name}',
    fn: 'BucketSettings',
    summary: 'One of the tenant\'s buckets',
    responses: { 200: { description: 'the bucket', json: ok({ bucket: bucketSchema }) } },
  },
  {
    id: 'putBucket',
    method: 'PUT',
    path: '/settings/buckets/{name}',
    fn: 'BucketSettings',
    summary: 'Add or replace a bucket under this name, verified by a probe write',
    body: bucketSettingsRequestSchema,
    responses: { 200: { description: 'the bucket as stored (keys are never returned)', json: ok({ bucket: bucketSchema }) } },
  },
  {
    id: 'deleteBucket',
    method: 'DELETE',
    path: '/settings/buckets/{name}',
    fn: 'BucketSettings',
    summary: 'Forget a bucket and its keys',
    responses: { 200: { description: 'deleted', json: ok({ name: z.string() }) } },
  },
  {
    id: 'getPaket',
    method: 'GET',
    path: '/settings/paket',
    fn: 'Objects',
    summary: "The tenant's paket: the bucket (and prefix) its stored objects live in",
    responses: { 200: { description: 'the paket', json: ok({ paket: paketSchema }) } },
  },
  {
    id: 'putPaket',
    method: 'PUT',
    path: '/settings/paket',
    fn: 'Objects',
    summary: 'Name the bucket (one of /settings/buckets) and prefix of the paket',
    body: paketSettingsRequestSchema,
    responses: { 200: { description: 'the paket', json: ok({ paket: paketSchema }) } },
  },
  {
    id: 'listObjects',
    method: 'GET',
    path: '/objects',
    fn: 'Objects',
    summary: "A page of the paket's objects below a path prefix, with their ids and versions",
    query: listObjectsQuerySchema,
    responses: { 200: { description: 'a page of objects', json: ok({ objects: z.array(storedObjectSchema), meta: z.strictObject({ next_cursor: z.string().nullable(), has_more: z.boolean() }) }) } },
  },
  {
    id: 'createSchedule',
    method: 'POST',
    path: '/schedules',
    fn: 'Schedules',
    summary: 'Create a schedule: a job from a template on an EventBridge Scheduler expression',
    body: createScheduleRequestSchema,
    responses: { 201: { description: 'the schedule was created', json: ok(scheduleId) } },
  },
  {
    id: 'listSchedules',
    method: 'GET',
    path: '/schedules',
    fn: 'Schedules',
    summary: "The tenant's schedules",
    responses: { 200: { description: 'the schedules', json: ok({ schedules: z.array(scheduleSummarySchema) }) } },
  },
  {
    id: 'getSchedule',
    method: 'GET',
    path: '/schedules/{id}',
    fn: 'Schedules',
    summary: 'A schedule with its recent runs',
    responses: { 200: { description: 'the schedule', json: okWith(scheduleDetailSchema) } },
  },
  {
    id: 'updateSchedule',
    method: 'PATCH',
    path: '/schedules/{id}',
    fn: 'Schedules',
    summary: 'Change any of name, schedule_expression, timezone, enabled, job',
    body: updateScheduleRequestSchema,
    responses: { 200: { description: 'the schedule as changed', json: okWith(scheduleDetailSchema) } },
  },
  {
    id: 'deleteSchedule',
    method: 'DELETE',
    path: '/schedules/{id}',
    fn: 'Schedules',
    summary: 'Delete a schedule (its jobs stay)',
    responses: { 200: { description: 'deleted', json: ok(scheduleId) } },
  },
  {
    id: 'openApi',
    method: 'GET',
    path: '/openapi.json',
    fn: 'Site',
    summary: 'This document',
    auth: false,
    responses: { 200: { description: 'the OpenAPI 3.1 document of this API', media: 'application/json' } },
  },
  {
    id: 'dashboard',
    method: 'GET',
    path: '/dashboard',
    fn: 'Site',
    summary: 'The web dashboard (it asks for an API key in the browser)',
    auth: false,
    responses: { 200: { description: 'the page', media: 'text/html' } },
  },
  {
    id: 'dashboardAsset',
    method: 'GET',
    path: '/dashboard/{asset}',
    fn: 'Site',
    summary: "A script or style sheet of the dashboard",
    auth: false,
    responses: { 200: { description: 'the file', media: 'text/*' } },
  },
] as const satisfies readonly ApiOperation[];
