import type { UsageFlags } from '../../adapters/usage-flags';
import type { UsageStore } from '../../adapters/usage-store';
import type { Job, ZipRecord } from '../../core/jobs/model';
import { aggregateJob } from '../../core/jobs/status';
import { storedGbDays, usageMonth } from '../../core/plans';
import { countJobEnded, loadJob, type WorkflowDeps } from '../workflow';

/** Where a finalized job's stored GB-days are counted: the tenants' usage, and each ZIP's flag that it was. */
export interface StoredUsage {
  readonly usage: UsageStore;
  readonly flags: UsageFlags;
}

export interface FinalizeDeps extends WorkflowDeps {
  /** Without it no stored usage is counted. */
  readonly storedUsage?: StoredUsage;
}

/** Finalize: the job's end state from its ZIPs (conditional, so a repeat changes nothing). */
export async function finalize(deps: FinalizeDeps, jobId: string): Promise<{ status: string }> {
  const job = await loadJob(deps.store, jobId);
  const zips = await deps.store.listZips(jobId);
  const outcome = aggregateJob(zips, job.options.fail_on_zip_error);
  const at = deps.now();
  const now = at.toISOString();
  if (deps.storedUsage) await countStoredUsage(deps.storedUsage, job, zips, deps.now());
  const ended = await deps.store.transitionJob(jobId, ['pending', 'processing'], outcome.status, {
    file_count: outcome.file_count,
    total_size: outcome.total_size,
    zip_count: zips.length,
    completed_at: now,
    updated_at: now,
  });
  if (ended && (outcome.status === 'completed' || outcome.status === 'failed')) countJobEnded(deps, job, outcome.status, 'zips', at);
  return { status: outcome.status };
}

/**
 * Adds each newly completed ZIP to the tenant's stored GB-days for the month
 * (size × days kept). A flag on the ZIP, set conditionally first, makes a
 * repeated Finalize or a retry count nothing twice (a crash in between
 * undercounts, which is the harmless side).
 */
async function countStoredUsage({ usage, flags }: StoredUsage, job: Job, zips: readonly ZipRecord[], now: Date): Promise<void> {
  for (const zip of zips) {
    // A stream ZIP is stored nowhere: its downloads count against the stream quota instead.
    if (job.options.mode === 'stream') return;
    if (zip.status !== 'completed' || zip.size === null || !(await flags.markCounted(job.id, zip.sequence))) continue;
    await usage.addStored(job.tenant_id, usageMonth(now), storedGbDays(zip.size, job.options.expires_in));
  }
}
