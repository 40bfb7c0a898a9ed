import { renderObjectKeys } from './buckets/object-key';
import type { Job, JobStatus } from './jobs/model';

/** The EventBridge event of docs/API.md "Events": every job status change, creation included. */
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
  /** (jobs writing to a tenant's bucket) where each ZIP goes, once the ZIP count is known. */
  readonly locations?: readonly { service: string; bucket: string; key: string }[];
}

export function jobStatusChangedDetail(
  job: Pick<Job, 'id' | 'tenant_id' | 'status' | 'zip_count' | 'total_size' | 'destination' | 'options' | 'created_at'>,
  previousStatus: JobStatus | null,
): JobStatusChangedDetail {
  const { destination } = job;
  return {
    job_id: job.id,
    tenant_id: job.tenant_id,
    status: job.status,
    previous_status: previousStatus,
    zip_count: job.zip_count,
    total_size: job.total_size ?? null,
    // The very keys Prepare gave the ZIPs: rendered by the same rules from the job alone.
    ...(destination &&
      job.options.key !== undefined && {
        locations:
          job.zip_count > 0
            ? renderObjectKeys(job.options.key, { jobId: job.id, createdAt: new Date(job.created_at), total: job.zip_count }).map((key) => ({
                service: destination.service,
                bucket: destination.bucket,
                key,
              }))
            : [],
      }),
  };
}
