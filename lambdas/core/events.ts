import type { Job, JobStatus } from './jobs/model';

/** The EventBridge event of API.md "Events": every job status change, creation included. */
export const JOB_EVENT_SOURCE = 'zipjobs';
export const JOB_STATUS_CHANGED = 'Job Status Changed';

export interface JobStatusChangedDetail {
  readonly job_id: string;
  readonly tenant_id: string;
  readonly status: JobStatus;
  /** null when the job was just created. */
  readonly previous_status: JobStatus | null;
  readonly zip_count: number;
  readonly total_size: number | null;
}

export function jobStatusChangedDetail(
  job: Pick<Job, 'id' | 'tenant_id' | 'status' | 'zip_count' | 'total_size'>,
  previousStatus: JobStatus | null,
): JobStatusChangedDetail {
  return {
    job_id: job.id,
    tenant_id: job.tenant_id,
    status: job.status,
    previous_status: previousStatus,
    zip_count: job.zip_count,
    total_size: job.total_size ?? null,
  };
}
