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
import type { ScheduleStore } from '../../lambdas/adapters/schedule-store';
import type { StatusChangeListener } from '../../lambdas/adapters/status-events';
import type { UsageFlags } from '../../lambdas/adapters/usage-flags';
import type { MonthlyUsage, UsageStore } from '../../lambdas/adapters/usage-store';
import type { TenantWebhook, WebhookStore } from '../../lambdas/adapters/webhook-store';
import type { WebhookDelivery } from '../../lambdas/core/webhooks/delivery';
import type { Job, ZipRecord } from '../../lambdas/core/jobs/model';
import { MAX_RECORDED_RUNS, type Schedule } from '../../lambdas/core/schedules/model';

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
    async reportSegment(jobId, sequence, segment, progress) {
      const zip = zipsOf(jobId).get(sequence);
      if (!zip?.segment_progress || zip.status !== 'processing') return false;
      apply(zip, { segment_progress: { ...zip.segment_progress, [segment]: { ...progress } } });
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

export interface MemoryUsageStore extends UsageStore {
  /** Each tenant's months, by `<tenant>/<month>`. */
  readonly months: Map<string, MonthlyUsage>;
}

/** Usage counters by tenant and month, and request windows counted up to their limit (the real store's conditional update). */
export function memoryUsageStore(): MemoryUsageStore {
  const months = new Map<string, MonthlyUsage>();
  const windows = new Map<string, number>();
  const add = (tenantId: string, month: string, change: Partial<MonthlyUsage>) => {
    const was = months.get(`${tenantId}/${month}`) ?? { stored_gb_days: 0, stream_gb: 0 };
    months.set(`${tenantId}/${month}`, { stored_gb_days: was.stored_gb_days + (change.stored_gb_days ?? 0), stream_gb: was.stream_gb + (change.stream_gb ?? 0) });
  };
  const countIn = (window: string, limit: number) => {
    const count = windows.get(window) ?? 0;
    if (count >= limit) return false;
    windows.set(window, count + 1);
    return true;
  };
  return {
    months,
    monthly: async (tenantId, month) => ({ ...(months.get(`${tenantId}/${month}`) ?? { stored_gb_days: 0, stream_gb: 0 }) }),
    addStored: async (tenantId, month, gbDays) => add(tenantId, month, { stored_gb_days: gbDays }),
    addStream: async (tenantId, month, gb) => add(tenantId, month, { stream_gb: gb }),
    admit: async (tenantId, windowStart, _seconds, limit) => countIn(`tenant/${tenantId}/${windowStart}`, limit),
    admitDownload: async (link, windowStart, _seconds, limit) => countIn(`link/${link}/${windowStart}`, limit),
  };
}

export interface MemoryWebhookStore extends WebhookStore {
  /** Each job's last recorded delivery (the real store keeps it on the job's item). */
  readonly deliveries: Map<string, WebhookDelivery>;
}

/** Tenants' webhook settings, created once and replaced only over the expected secret, as the real store's conditional puts do. */
export function memoryWebhookStore(tenants: readonly TenantWebhook[] = []): MemoryWebhookStore {
  const held = new Map(tenants.map((t) => [t.tenant_id, { ...t }]));
  const deliveries = new Map<string, WebhookDelivery>();
  return {
    deliveries,
    getTenant: async (tenantId) => {
      const settings = held.get(tenantId);
      return settings && { ...settings };
    },
    async createTenant(fresh) {
      if (!held.has(fresh.tenant_id)) held.set(fresh.tenant_id, { ...fresh });
      return { ...held.get(fresh.tenant_id)! };
    },
    async replaceTenant(settings, expectedSecret) {
      if (held.get(settings.tenant_id)?.secret !== expectedSecret) return false;
      held.set(settings.tenant_id, { ...settings });
      return true;
    },
    recordDelivery: async (jobId, delivery) => void deliveries.set(jobId, delivery),
  };
}

/** Schedules by id: a tenant's listed oldest first, a run recorded only on a schedule that still exists (newest first, the last MAX_RECORDED_RUNS). */
export function memoryScheduleStore(schedules: readonly Schedule[] = []): ScheduleStore {
  const held = new Map(schedules.map((s) => [s.id, { ...s }]));
  return {
    put: async (schedule) => void held.set(schedule.id, { ...schedule }),
    get: async (id) => {
      const schedule = held.get(id);
      return schedule && { ...schedule };
    },
    list: async (tenantId) =>
      [...held.values()]
        .filter((s) => s.tenant_id === tenantId)
        .sort((a, b) => a.created_at.localeCompare(b.created_at))
        .map((s) => ({ ...s })),
    delete: async (id) => void held.delete(id),
    async recordRun(id, run) {
      const schedule = held.get(id);
      if (!schedule) return false;
      held.set(id, { ...schedule, runs: [run, ...schedule.runs].slice(0, MAX_RECORDED_RUNS) });
      return true;
    },
  };
}
