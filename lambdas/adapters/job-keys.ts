import type { Job, JobStatus } from '../core/jobs/model';

// The job item's keys in the one table (the whole key design is in job-store.ts).
export const jobKey = (id: string) => ({ pk: `JOB#${id}`, sk: 'JOB' });

/** gsi1's partition: all of a tenant's jobs. */
export const tenantListKey = (tenantId: string) => `TENANT#${tenantId}`;
/** gsi2's partition: a tenant's jobs of one status (rewritten by every status change). */
export const statusListKey = (tenantId: string, status: JobStatus) => `TENANT#${tenantId}#${status}`;
/** A job's sort key in both indexes (`gsi1sk`), and the position a listing cursor carries. */
export const listSortKey = (job: Pick<Job, 'created_at' | 'id'>) => `${job.created_at}#${job.id}`;
/** A position as listSortKey writes it: the job's creation time and id. */
export const LIST_POSITION = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)#([0-9a-f-]{36})$/;
