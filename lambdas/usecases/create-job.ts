import { randomUUID } from 'node:crypto';
import type { BlobStore } from '../adapters/blob-store';
import type { JobStore } from '../adapters/job-store';
import type { WorkflowStarter } from '../adapters/workflow-starter';
import { PlanLimitExceededError } from '../core/errors';
import { createJobRequestSchema, requestedFiles, type CreateJobRequest, type RequestedFile } from '../core/jobs/create-request';
import { objectKeys, type Job, type Manifest } from '../core/jobs/model';
import { validateClientFilename } from '../core/naming/entry-names';
import { checkZipFilename, parseZipFilename } from '../core/naming/zip-names';
import type { Plan } from '../core/plans';
import { invalidField, parseOrThrow } from '../core/validation';

export interface CreateJobDeps {
  readonly store: JobStore;
  readonly blobs: BlobStore;
  readonly workflow: WorkflowStarter;
  readonly now: () => Date;
  readonly newId?: () => string;
}

function enforcePlan(body: CreateJobRequest, files: readonly RequestedFile[], plan: Plan): void {
  const field = body.files ? 'files' : 'urls';
  if (files.length > plan.maxFilesPerJob) {
    throw new PlanLimitExceededError(`${field}: at most ${plan.maxFilesPerJob} files per job on plan ${plan.name}`);
  }
  if (body.expires_in > plan.maxRetentionSeconds) {
    throw new PlanLimitExceededError(`expires_in: at most ${plan.maxRetentionSeconds} on plan ${plan.name}`);
  }
  if (body.max_zip_size_bytes !== null && body.max_zip_size_bytes > plan.maxZipSizeBytes) {
    throw new PlanLimitExceededError(`max_zip_size_bytes: at most ${plan.maxZipSizeBytes} on plan ${plan.name}`);
  }
}

function validateNames(body: CreateJobRequest, files: readonly RequestedFile[]): void {
  files.forEach((file, i) => {
    if (file.filename === null) return;
    const problem = validateClientFilename(file.filename);
    if (problem) throw invalidField(`files.${i}.filename`, problem);
  });
  if (body.zip_filename !== undefined) {
    const parsed = parseZipFilename(body.zip_filename);
    if (!parsed.ok) throw invalidField('zip_filename', parsed.error);
    // A job splits into at most one ZIP per file.
    const maxTotal = body.max_zip_size_bytes === null ? 1 : files.length;
    const problem = checkZipFilename(parsed.value, { maxTotal });
    if (problem) throw invalidField('zip_filename', problem);
  }
}

/** `POST /jobs`: validates, stores the manifest and the job, starts the workflow. */
export async function createJob(deps: CreateJobDeps, tenant: { id: string; plan: Plan }, input: unknown): Promise<Job> {
  const body = parseOrThrow(createJobRequestSchema, input);
  const files = requestedFiles(body);
  enforcePlan(body, files, tenant.plan);
  validateNames(body, files);

  const { files: _files, urls: _urls, zip_filename, ...options } = body;
  const id = (deps.newId ?? randomUUID)();
  const now = deps.now();
  const createdAt = now.toISOString();
  const job: Job = {
    id,
    tenant_id: tenant.id,
    status: body.max_zip_size_bytes === null ? 'pending' : 'preparing',
    options: { ...options, zip_filename: zip_filename ?? null },
    url_count: files.length,
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
  };
  const manifest: Manifest = { files };
  await deps.blobs.putJson(job.manifest_key, manifest);
  await deps.store.createJob(job);
  await startRun(deps, job);
  return job;
}

/**
 * Starts the workflow for the job's current run. The execution is named after
 * the job and run, so a repeated start is harmless; a start that keeps failing
 * fails the job visibly instead of leaving it pending.
 */
export async function startRun(deps: Pick<CreateJobDeps, 'store' | 'workflow' | 'now'>, job: Job): Promise<void> {
  try {
    await deps.workflow.start(`${job.id}-${job.run}`, { job_id: job.id });
  } catch (error) {
    await deps.store.transitionJob(job.id, ['preparing', 'pending'], 'failed', {
      errors: [{ error: 'the workflow could not be started' }],
      updated_at: deps.now().toISOString(),
      completed_at: deps.now().toISOString(),
    });
    throw error;
  }
}
