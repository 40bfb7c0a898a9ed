import type { BlobStore } from '../../lambdas/adapters/blob-store';
import type { JobStore } from '../../lambdas/adapters/job-store';
import type { Bin } from '../../lambdas/core/jobs/model';

/**
 * What BuildZip reads and writes besides S3, in memory: the job (a plain
 * object the test may change), its one ZIP record (updated only from an
 * expected status, as the real store does) and the bin.
 */
export function buildFakes(job: Record<string, unknown>, bin: Bin) {
  const zips = new Map<number, Record<string, unknown>>([[1, { status: 'pending' }]]);
  const store = {
    getJob: async () => job,
    updateZip: async (_j: string, seq: number, from: readonly string[], changes: Record<string, unknown>) => {
      const z = zips.get(seq)!;
      if (!from.includes(z.status as string)) return false;
      Object.assign(z, changes);
      return true;
    },
  } as unknown as JobStore;
  const blobs = { getJson: async () => bin } as unknown as BlobStore;
  return { store, blobs, zips };
}
