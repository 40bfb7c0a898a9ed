/**
 * In-memory stand-ins for the table's stores, with the real ones'
 * conditional writes (a job or ZIP moves only from an expected status, a job
 * id is taken once, a ZIP's usage is counted once, only when completed). They hold the records
 * they are given (a test may change one in place) and answer with copies.
 */
import type { ApiKeyRecord, ApiKeyStore } from '../../lambdas/adapters/api-key-store';
import { listSortKey } from '../../lambdas/adapters/job-keys';
import type { JobExpiry } from '../../lambdas/adapters/job-expiry';
import type { JobStore } from '../../lambdas/adapters/job-store';
import type { StatusChangeListener } from '../../lambdas/adapters/status-events';
import type { UsageFlags } from '../../lambdas/adapters/usage-flags';
import type { Job, ZipRecord } from '../../lambdas/core/jobs/model';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Sets the defined values of `changes` (as the DynamoDB store's update expression does). */
function apply<T extends object>(record: T, changes: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(changes)) if (v !== undefined) (record as Record<string, unknown>)[k] = v;
}

export interface MemoryJobStore extends JobStore {
  /** The held ZIP records of a job, by sequence (created empty on first use). */
  zipsOf(jobId: string): Map<number, ZipRecord>;
}

export function memoryJobStore(jobs: readonly Job[] = [], onStatusChange?: StatusChangeListener): MemoryJobStore {
  const held = new Map<string, Job>(jobs.map((j) => [j.id, j]));
  const zips = new Map<string, Map<number, ZipRecord>>();
  const zipsOf = (jobId: string) => {
    let map = zips.get(jobId);
    if (!map) zips.set(jobId, (map = new Map()));
    return map;
  };
  const sortedZips = (jobId: string) => [...zipsOf(jobId).values()].sort((a, b) => a.sequence - b.sequence).map((z) => ({ ...z }));
  const newestFirst = (tenantId: string, status: Job['status'] | null) =>
    [...held.values()]
      .filter((j) => j.tenant_id === tenantId && (status === null || j.status === status))
      .sort((a, b) => listSortKey(b).localeCompare(listSortKey(a)));
  return {
    zipsOf,
    async createJob(job) {
      if (held.has(job.id)) return false;
      held.set(job.id, { ...job });
      await onStatusChange?.(job, null);
      return true;
    },
    async getJob(jobId) {
      const job = held.get(jobId);
      return job && { ...job };
    },
    async getJobWithZips(jobId) {
      const job = held.get(jobId);
      return job && { job: { ...job }, zips: sortedZips(jobId) };
    },
    async listZips(jobId) {
      return sortedZips(jobId);
    },
    async putZips(records) {
      for (const zip of records) zipsOf(zip.job_id).set(zip.sequence, { ...zip });
    },
    async transitionJob(jobId, from, to, changes = {}) {
      const job = held.get(jobId);
      if (!job || !from.includes(job.status)) return false;
      const previous = job.status;
      apply(job, { ...changes, status: to });
      if (onStatusChange && previous !== to) await onStatusChange({ ...job }, previous);
      return true;
    },
    async updateZip(jobId, sequence, from, changes) {
      const zip = zipsOf(jobId).get(sequence);
      if (!zip || !from.includes(zip.status)) return false;
      apply(zip, changes);
      return true;
    },
    async deleteZips(jobId, sequences) {
      for (const s of sequences) zipsOf(jobId).delete(s);
    },
    async listJobs(tenantId, query) {
      const all = newestFirst(tenantId, query.status).filter((j) => query.after === undefined || listSortKey(j) < query.after);
      const page = all.slice(0, query.limit).map((j) => ({ ...j }));
      return { jobs: page, next: all.length > query.limit ? listSortKey(page.at(-1)!) : null };
    },
    async countJobs(tenantId, status) {
      return newestFirst(tenantId, status).length;
    },
  };
}

/**
 * Usage flags on the ZIP records `jobs` holds, as the real ones sit on the
 * ZIPs' items: set once, only on a completed ZIP (a ZIP put again loses it).
 */
export function memoryUsageFlags(jobs: Pick<MemoryJobStore, 'zipsOf'>): UsageFlags {
  return {
    async markCounted(jobId, sequence) {
      const zip = jobs.zipsOf(jobId).get(sequence) as (Mutable<ZipRecord> & { usage_counted?: boolean }) | undefined;
      if (!zip || zip.status !== 'completed' || zip.usage_counted) return false;
      zip.usage_counted = true;
      return true;
    },
  };
}

export interface MemoryJobExpiry extends JobExpiry {
  /** Jobs with an expiry marker, and its time. */
  readonly markers: Map<string, string>;
}

/** Expiry markers beside `jobs`; deleting a job's records takes its ZIPs and its marker (the job itself stays, as its record does). */
export function memoryJobExpiry(jobs: Pick<MemoryJobStore, 'zipsOf'>): MemoryJobExpiry {
  const markers = new Map<string, string>();
  return {
    markers,
    async putMarker(jobId, expiresAt) {
      markers.set(jobId, expiresAt);
    },
    async deleteJobRecords(jobId) {
      jobs.zipsOf(jobId).clear();
      markers.delete(jobId);
    },
  };
}

export function memoryApiKeyStore(records: readonly ApiKeyRecord[] = []): ApiKeyStore {
  const keys = new Map(records.map((r) => [r.key_hash, r]));
  return {
    async getApiKey(keyHash) {
      const record = keys.get(keyHash);
      return record && { ...record };
    },
    async putApiKey(record) {
      keys.set(record.key_hash, { ...record });
    },
    async listApiKeys() {
      return [...keys.values()].map((r) => ({ ...r }));
    },
    async hasActiveApiKey(tenantId) {
      return [...keys.values()].some((r) => r.tenant_id === tenantId && r.revoked_at === undefined);
    },
  };
}
