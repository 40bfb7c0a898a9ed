import { randomUUID } from 'node:crypto';
import type { BlobStore } from '../adapters/blob-store';
import type { BucketStore } from '../adapters/bucket-store';
import { objectKeyFilename, objectKeyProblem } from '../core/buckets/object-key';
import type { IdempotencyStore } from '../adapters/idempotency-store';
import type { JobExpiry } from '../adapters/job-expiry';
import type { JobStore } from '../adapters/job-store';
import type { WorkflowStarter } from '../adapters/workflow-starter';
import type { UsageStore } from '../adapters/usage-store';
import type { PaketStore } from '../adapters/paket-store';
import type { ObjectIdStore } from '../adapters/object-id-store';
import { parseObjectUrl } from '../core/objects/paket';
import { ConflictError, QuotaExceededError, ServiceUnavailableError } from '../core/errors';
import { bodyFingerprint, checkIdempotencyKey, hashIdempotencyKey, IDEMPOTENCY_SECONDS } from '../core/idempotency';
import { createJobRequestSchema, fileListField, isLegacyUrlList, requestedFiles, type CreateJobRequest, type RequestedFile } from '../core/jobs/create-request';
import { LIMITS } from '../core/jobs/limits';
import { executionNames, objectKeys, type Job, type JobDestination, type JobOptions, type Manifest, type ManifestPaket } from '../core/jobs/model';
import { validateClientFilename } from '../core/naming/entry-names';
import { checkZipFilename, parseZipFilename } from '../core/naming/zip-names';
import { enforcePlan, jobLimits, usageMonth, type Plan } from '../core/plans';
import { invalidField, parseOrThrow } from '../core/validation';
import { webhookUrlProblem } from '../core/webhooks/url';
import { namedBucket } from './bucket-settings';
import type { OperationalMetrics } from '../core/metrics';
import { countJobEnded } from './workflow';

export interface CreateJobDeps {
  readonly store: JobStore;
  readonly expiry: Pick<JobExpiry, 'putMarker'>;
  readonly blobs: BlobStore;
  readonly workflow: WorkflowStarter;
  readonly now: () => Date;
  readonly newId?: () => string;
  /** Monthly usage; no quota is enforced without it. */
  readonly usage?: UsageStore;
  /** The local stack only: webhook URLs may be plain http and private. @default false */
  readonly allowPrivateAddresses?: boolean;
  /** Remembers `Idempotency-Key`s; without it the header is refused. */
  readonly idempotency?: IdempotencyStore;
  /** Tenants' configured buckets, for jobs that name one (`bucket_name`, `s3://` URLs). */
  readonly buckets?: BucketStore;
  /** Tenants' pakets, for jobs that name objects (`files[i].object`). */
  readonly pakets?: PaketStore;
  readonly metrics?: OperationalMetrics;
  /** Objects' ids, so that an id the tenant does not have is refused at once. */
  readonly ids?: Pick<ObjectIdStore, 'keyOf'>;
}

export interface CreateJobOptions {
  /** The `Idempotency-Key` header, unchecked. */
  readonly idempotencyKey?: string;
  /** What the job serves besides `GET /jobs/:id` (a ZipBall's public link). */
  readonly kind?: Job['kind'];
  /** How messages name the `i`th file's object. @default `files[i].object` */
  readonly objectField?: (index: number) => string;
  /** Milliseconds left before the request is answered 503 on its own; unbounded when absent. */
  readonly timeLeftMs?: () => number;
}

/**
 * Time a create must have left when it starts writing: the manifest, the
 * expiry marker, the unfinished marker and the job, and the run's start,
 * each some milliseconds (under a second with the SDK's retries). With less,
 * the create is refused with 503 before its first write, so a 503 answer
 * means no job was made; this also stops a create whose request was already
 * answered (its Lambda environment thawed later) from writing anything.
 */
export const COMMIT_TIME_MS = 5_000;

/**
 * A tenant whose monthly stored GB-days are used up starts no more stored
 * runs (create or retry) until the month turns. A stream job stores nothing:
 * its downloads count against the stream quota instead, checked at download.
 */
export async function enforceQuota(usage: UsageStore | undefined, tenant: { id: string; plan: Plan }, mode: JobOptions['mode'], now: Date): Promise<void> {
  if (!usage || mode === 'stream') return;
  const used = await usage.monthly(tenant.id, usageMonth(now));
  if (used.stored_gb_days >= tenant.plan.monthly_stored_gb_days) {
    throw new QuotaExceededError(
      `monthly stored quota of ${tenant.plan.monthly_stored_gb_days} GB-days on plan ${tenant.plan.name} is used up (${used.stored_gb_days.toFixed(1)} used in ${usageMonth(now)})`,
    );
  }
}

function validateNames(body: CreateJobRequest, files: readonly RequestedFile[], plan: Plan): void {
  const field = fileListField(body);
  // A job splits into at most one ZIP per file (an uploaded list: as many as the plan allows).
  const maxZips = body.max_zip_size_bytes === null ? 1 : body.files_from !== undefined ? plan.max_files_per_job : files.length;
  files.forEach((file, i) => {
    if (file.filename === null) return;
    const problem = validateClientFilename(file.filename);
    if (problem) throw invalidField(`${field}.${i}.filename`, problem);
  });
  if (body.zip_filename !== undefined) {
    const parsed = parseZipFilename(body.zip_filename);
    if (!parsed.ok) throw invalidField('zip_filename', parsed.error);
    const problem = checkZipFilename(parsed.value, { maxTotal: maxZips });
    if (problem) throw invalidField('zip_filename', problem);
  }
  if (body.key !== undefined) {
    const problem = objectKeyProblem(body.key, maxZips);
    if (problem) throw invalidField('key', problem);
  }
}

/** The tenant's bucket a job names: configured (else 400 on `bucket_name`) and of the service the job says (`s3` unless given). */
async function destinationOf(deps: CreateJobDeps, tenantId: string, body: CreateJobRequest): Promise<JobDestination | undefined> {
  if (body.bucket_name === undefined) return undefined;
  if (!deps.buckets) throw new Error('createJob: a job naming a bucket needs the bucket store');
  const bucket = await namedBucket(deps.buckets, tenantId, body.bucket_name);
  const service = body.service ?? 's3';
  if (service !== bucket.service) {
    throw invalidField('service', `the bucket "${bucket.name}" is an ${bucket.service} bucket: send "service": "${bucket.service}"${body.service === undefined ? ' (the default is "s3")' : ''}`);
  }
  return { bucket_name: bucket.name, service: bucket.service, bucket: bucket.bucket };
}

/**
 * Stored objects a job names must be reachable: `s3://` URLs name a
 * configured bucket, `object`s need a paket (whose bucket and prefix the job
 * keeps, so a later change of the paket does not change the job). Only
 * settings are read here: folders and versions are looked up by Prepare.
 */
async function paketOf(
  deps: CreateJobDeps,
  tenantId: string,
  body: CreateJobRequest,
  files: readonly RequestedFile[],
  objectField: (index: number) => string = (i) => `${fileListField(body)}.${i}.object`,
): Promise<ManifestPaket | undefined> {
  const field = fileListField(body);
  const needsBuckets = files.some((f) => f.object !== undefined || parseObjectUrl(f.url) !== undefined);
  if (!needsBuckets) return undefined;
  if (!deps.buckets || !deps.pakets) throw new Error('createJob: a job naming stored objects needs the bucket and paket stores');
  const configured = new Map<string, boolean>();
  const isConfigured = async (name: string) => {
    if (!configured.has(name)) configured.set(name, (await deps.buckets!.get(tenantId, name)) !== undefined);
    return configured.get(name)!;
  };
  for (const [i, file] of files.entries()) {
    const locator = parseObjectUrl(file.url);
    if (locator && !(await isConfigured(locator.bucket_name))) {
      throw invalidField(`${field}.${i}.url`, `no bucket named ${locator.bucket_name} is configured (PUT /settings/buckets/${locator.bucket_name} first)`);
    }
  }
  const first = files.findIndex((f) => f.object !== undefined);
  if (first < 0) return undefined;
  const paket = await deps.pakets.get(tenantId);
  if (!paket) throw invalidField(objectField(first), 'no paket is configured: PUT /settings/paket {"bucket_name": …} first');
  if (!(await isConfigured(paket.bucket_name))) throw invalidField(objectField(first), `the paket's bucket ${paket.bucket_name} is no longer configured`);
  // An id is one read: one the tenant never had (another tenant's) is refused now, not when the job runs.
  for (const [i, file] of files.entries()) {
    if (file.object?.kind !== 'id' || !deps.ids) continue;
    const located = await deps.ids.keyOf(tenantId, file.object.id);
    if (!located || located.bucket_name !== paket.bucket_name) throw invalidField(`${objectField(i)}.id`, 'no object of the paket has this id');
  }
  return { bucket_name: paket.bucket_name, prefix: paket.prefix };
}

/**
 * A `files_from` upload must exist for this tenant (another tenant's id
 * names no object here) and be within the size limit; its entries are
 * checked by Prepare, which fails the job naming each bad one.
 */
async function checkUpload(blobs: BlobStore, tenantId: string, uploadId: string): Promise<void> {
  const size = await blobs.objectSize(objectKeys.upload(tenantId, uploadId));
  if (size === undefined) throw invalidField('files_from', 'no such upload: PUT the list to the url POST /uploads gave first (uploads are kept for a day)');
  if (size > LIMITS.maxUploadBytes) throw invalidField('files_from', `the uploaded list must be at most ${LIMITS.maxUploadBytes} bytes`);
}

/**
 * `POST /jobs`: validates, stores the manifest and the job, starts the workflow.
 *
 * With an `Idempotency-Key`, the key is claimed for a job id before anything
 * is created (a conditional put, so concurrent duplicates agree on one id). A
 * repeat with the same body answers that job; if the job is not there yet (the
 * first request is still at it, or died), the repeat creates it under the
 * same id, and the conditional job put lets only one of them succeed.
 */
export async function createJob(deps: CreateJobDeps, tenant: { id: string; plan: Plan }, input: unknown, opts: CreateJobOptions = {}): Promise<Job> {
  const idempotencyKey = checkIdempotencyKey(opts.idempotencyKey);
  const body = parseOrThrow(createJobRequestSchema, input);
  const files = requestedFiles(body);
  // An uploaded list has no files yet: Prepare counts them (Job.files_from.max_files).
  enforcePlan(
    { filesField: fileListField(body), fileCount: files.length, expiresIn: body.expires_in, maxZipSizeBytes: body.max_zip_size_bytes },
    tenant.plan,
  );
  validateNames(body, files, tenant.plan);
  if (body.webhook_url !== undefined) {
    const problem = webhookUrlProblem(body.webhook_url, { allowPrivateAddresses: deps.allowPrivateAddresses ?? false });
    if (problem) throw invalidField('webhook_url', problem);
  }

  const destination = await destinationOf(deps, tenant.id, body);
  const paket = await paketOf(deps, tenant.id, body, files, opts.objectField);
  const manifest: Manifest = { files, ...(paket && { paket }) };
  if (body.files_from !== undefined) await checkUpload(deps.blobs, tenant.id, body.files_from);
  const newId = (deps.newId ?? randomUUID)();
  if (idempotencyKey === undefined) return createNew(deps, tenant, body, manifest, newId, destination, opts);

  if (!deps.idempotency) throw new Error('createJob: an Idempotency-Key needs an idempotency store');
  const keyHash = hashIdempotencyKey(idempotencyKey);
  const bodyHash = bodyFingerprint(body);
  const nowSeconds = Math.floor(deps.now().getTime() / 1000);
  const claim = await deps.idempotency.claim(tenant.id, keyHash, newId, bodyHash, nowSeconds, IDEMPOTENCY_SECONDS);
  if (claim.body_hash !== bodyHash) {
    const message = 'already used with a different body in the last 24 hours';
    throw new ConflictError(`Idempotency-Key: ${message}`, [{ path: 'Idempotency-Key', message }]);
  }
  if (!claim.claimed) {
    const existing = await deps.store.getJob(claim.job_id);
    if (existing) return repeated(deps, existing);
  }
  try {
    return await createNew(deps, tenant, body, manifest, claim.job_id, destination, opts);
  } catch (error) {
    // A create that made no job frees its key, so that the client can try again.
    if (claim.claimed && !(await deps.store.getJob(claim.job_id))) await deps.idempotency.release(tenant.id, keyHash, claim.job_id);
    throw error;
  }
}

/**
 * A repeated create answers the job it made. A job still waiting for its run
 * has that run started again: harmless (executions are named after the job and
 * run), and it recovers a first request that died between the two.
 */
async function repeated(deps: CreateJobDeps, job: Job): Promise<Job> {
  if (job.status === 'preparing' || job.status === 'pending') await startRun(deps, job);
  return job;
}

async function createNew(
  deps: CreateJobDeps,
  tenant: { id: string; plan: Plan },
  body: CreateJobRequest,
  manifest: Manifest,
  id: string,
  destination: JobDestination | undefined,
  { kind, timeLeftMs }: CreateJobOptions,
): Promise<Job> {
  await enforceQuota(deps.usage, tenant, body.mode, deps.now());
  // Past this point the job is written and run.
  if (timeLeftMs && timeLeftMs() < COMMIT_TIME_MS) {
    throw new ServiceUnavailableError('the service is busy: no job was created; try again', ServiceUnavailableError.RETRY_AFTER_SECONDS);
  }
  const { files: _files, urls: _urls, files_from, zip_filename, ...options } = body;
  const now = deps.now();
  const createdAt = now.toISOString();
  const job: Job = {
    id,
    tenant_id: tenant.id,
    // Split and stream jobs learn their files' sizes first.
    status: body.max_zip_size_bytes === null && body.mode === 'stored' ? 'pending' : 'preparing',
    // A key's last segment names the ZIPs when no zip_filename does (ZipKit sends only the key).
    options: { ...options, zip_filename: zip_filename ?? (body.key !== undefined ? objectKeyFilename(body.key) : null) },
    url_count: manifest.files.length,
    file_count: null,
    zip_count: 0,
    total_size: null,
    errors: [],
    created_at: createdAt,
    updated_at: createdAt,
    completed_at: null,
    expires_at: new Date(now.getTime() + body.expires_in * 1000).toISOString(),
    manifest_key: objectKeys.manifest(id),
    run: 1,
    ...(destination && { destination }),
    ...(isLegacyUrlList(body) && { legacy_urls: true }),
    plan: tenant.plan.name,
    limits: jobLimits(tenant.plan),
    ...(kind && { kind }),
    ...(files_from !== undefined && { files_from: { key: objectKeys.upload(tenant.id, files_from), max_files: tenant.plan.max_files_per_job } }),
  };
  // An uploaded list becomes the manifest in Prepare, once checked.
  if (files_from === undefined) await deps.blobs.putJson(job.manifest_key, manifest);
  // Before the job: a marker without its job cleans up nothing, a job without its marker would keep its objects.
  await deps.expiry.putMarker(job.id, job.expires_at);
  if (!(await deps.store.createJob(job))) {
    // Only a repeated Idempotency-Key reuses an id: a concurrent duplicate created the job first.
    const winner = await deps.store.getJob(id);
    if (!winner) throw new Error(`job ${id} exists and does not`);
    return winner;
  }
  deps.metrics?.jobCreated();
  await startRun(deps, job);
  return job;
}

/**
 * Starts the workflow for the job's current run. The execution is named after
 * the job and run, so a repeated start is harmless; a start that keeps failing
 * fails the job visibly instead of leaving it pending.
 */
export async function startRun(deps: Pick<CreateJobDeps, 'store' | 'workflow' | 'now' | 'metrics'>, job: Job): Promise<void> {
  try {
    await deps.workflow.start(executionNames.run(job), { job_id: job.id });
  } catch (error) {
    const at = deps.now();
    const failed = await deps.store.transitionJob(job.id, ['preparing', 'pending'], 'failed', {
      errors: [{ error: 'the workflow could not be started' }],
      updated_at: at.toISOString(),
      completed_at: at.toISOString(),
    });
    // Counted by the call whose transition ended the job, as the workflow's steps count theirs.
    if (failed) countJobEnded(deps, job, 'failed', 'start-failed', at);
    throw error;
  }
}
