/** Finalize counts each completed ZIP's stored GB-days once, however often it runs (the ZIP's usage flag, set conditionally). */
import { describe, expect, it } from 'vitest';
import type { UsageStore } from '../../lambdas/adapters/usage-store';
import type { ZipRecord } from '../../lambdas/core/jobs/model';
import { finalize } from '../../lambdas/usecases/workflow/finalize';
import { exampleJob } from '../support/job-fixture';
import { memoryBlobStore } from '../support/memory-blobs';
import { memoryJobLists } from '../support/memory-lists';
import { memoryJobStore, memoryUsageFlags } from '../support/memory-stores';

const NOW = new Date('2026-04-23T10:05:00.000Z');
const zip = (sequence: number, status: ZipRecord['status'], size: number | null): ZipRecord =>
  ({ job_id: 'j1', id: `zip_${sequence}`, sequence, status, size, filename: `${sequence}.zip`, file_count: 1, key: `zips/j1/${sequence}.zip`, bin_key: 'b', errors: [], files_done: 0, bytes_done: 0, updated_at: NOW.toISOString() }) as ZipRecord;

function setup(mode: 'stored' | 'stream' = 'stored') {
  const job = exampleJob({ id: 'j1', status: 'processing', zip_count: 3, options: { ...exampleJob().options, mode, expires_in: 86_400, fail_on_zip_error: false } });
  const store = memoryJobStore([job]);
  const added: number[] = [];
  const usage = { addStored: async (_tenant: string, _month: string, gbDays: number) => void added.push(gbDays) } as unknown as UsageStore;
  const deps = { store, lists: memoryJobLists(), blobs: memoryBlobStore(), now: () => NOW, storedUsage: { usage, flags: memoryUsageFlags(store) } };
  return { store, deps, added };
}

describe('stored usage at Finalize', () => {
  it('counts every completed ZIP once, across repeated runs, and no failed one', async () => {
    const { store, deps, added } = setup();
    await store.putZips([zip(1, 'completed', 2e9), zip(2, 'failed', null), zip(3, 'completed', 1e9)]);
    await finalize(deps, 'j1');
    await finalize(deps, 'j1');
    expect(added).toEqual([2, 1]);
  });

  it('counts a ZIP completed after an earlier Finalize, and only that one', async () => {
    const { store, deps, added } = setup();
    await store.putZips([zip(1, 'completed', 1e9), zip(2, 'processing', null)]);
    await finalize(deps, 'j1');
    await store.updateZip('j1', 2, ['processing'], { status: 'completed', size: 3e9 });
    await store.transitionJob('j1', ['completed', 'failed'], 'processing');
    await finalize(deps, 'j1');
    expect(added).toEqual([1, 3]);
  });

  it('counts nothing for a stream job: its ZIPs are stored nowhere', async () => {
    const { store, deps, added } = setup('stream');
    await store.putZips([zip(1, 'completed', 1e9)]);
    await finalize(deps, 'j1');
    expect(added).toEqual([]);
  });
});
