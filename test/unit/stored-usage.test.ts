/** Finalize counts each completed ZIP's stored GB-days once, however often it runs (the ZIP's usage flag, set conditionally). */
import { describe, expect, it } from 'vitest';
import type { ZipRecord } from '../../lambdas/core/jobs/model';
import { finalize } from '../../lambdas/usecases/workflow/finalize';
import { exampleJob } from '../support/job-fixture';
import { memoryBlobStore } from '../support/memory-blobs';
import { memoryJobLists } from '../support/memory-lists';
import { memoryJobStore, memoryUsageFlags, memoryUsageStore } from '../support/memory-stores';

const NOW = new Date('2026-04-23T10:05:00.000Z');
const zip = (sequence: number, status: ZipRecord['status'], size: number | null): ZipRecord =>
  ({ job_id: 'j1', id: `zip_${sequence}`, sequence, status, size, filename: `${sequence}.zip`, file_count: 1, key: `zips/j1/${sequence}.zip`, bin_key: 'b', errors: [], files_done: 0, bytes_done: 0, updated_at: NOW.toISOString() }) as ZipRecord;

function setup(mode: 'stored' | 'stream' = 'stored') {
  const job = exampleJob({ id: 'j1', status: 'processing', zip_count: 3, options: { ...exampleJob().options, mode, expires_in: 86_400, fail_on_zip_error: false } });
  const store = memoryJobStore([job]);
  const usage = memoryUsageStore();
  const deps = { store, lists: memoryJobLists(), blobs: memoryBlobStore(), now: () => NOW, storedUsage: { usage, flags: memoryUsageFlags(store) } };
  // GB-days counted this month for the job's tenant.
  const counted = async () => (await usage.monthly(job.tenant_id, '2026-04')).stored_gb_days;
  return { store, deps, counted };
}

describe('stored usage at Finalize', () => {
  it('counts every completed ZIP once, across repeated runs, and no failed one', async () => {
    const { store, deps, counted } = setup();
    await store.putZips([zip(1, 'completed', 2e9), zip(2, 'failed', null), zip(3, 'completed', 1e9)]);
    await finalize(deps, 'j1');
    expect(await counted()).toBe(3);
    await finalize(deps, 'j1');
    expect(await counted()).toBe(3);
  });

  it('counts a ZIP completed after an earlier Finalize, and only that one', async () => {
    const { store, deps, counted } = setup();
    await store.putZips([zip(1, 'completed', 1e9), zip(2, 'processing', null)]);
    await finalize(deps, 'j1');
    expect(await counted()).toBe(1);
    await store.updateZip('j1', 2, ['processing'], { status: 'completed', size: 3e9 });
    await store.transitionJob('j1', ['completed', 'failed'], 'processing');
    await finalize(deps, 'j1');
    expect(await counted()).toBe(4);
  });

  it('counts nothing for a stream job: its ZIPs are stored nowhere', async () => {
    const { store, deps, counted } = setup('stream');
    await store.putZips([zip(1, 'completed', 1e9)]);
    await finalize(deps, 'j1');
    expect(await counted()).toBe(0);
  });
});
