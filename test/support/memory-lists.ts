/**
 * An in-memory JobLists with the DynamoDB adapter's behaviour: the same
 * chunking and the same windows (core/jobs/long-lists.ts), chunks kept in
 * key order.
 */
import type { ChunkedList, EntryNameRecord, JobLists } from '../../lambdas/adapters/job-lists';
import { chunkByBytes, WindowCollector } from '../../lambdas/core/jobs/long-lists';
import type { JobError } from '../../lambdas/core/jobs/model';

function memoryList<T>(): ChunkedList<T> & { chunks: Map<string, Map<number, T[][]>> } {
  const chunks = new Map<string, Map<number, T[][]>>();
  return {
    chunks,
    async replace(jobId, scope, items) {
      const scopes = chunks.get(jobId) ?? new Map<number, T[][]>();
      chunks.set(jobId, scopes);
      if (items.length === 0) scopes.delete(scope);
      else scopes.set(scope, JSON.parse(JSON.stringify(chunkByBytes(items))) as T[][]);
    },
    async read(jobId, from, limits) {
      const window = new WindowCollector<T>(from, limits);
      const scopes = [...(chunks.get(jobId) ?? new Map<number, T[][]>()).entries()].sort(([a], [b]) => a - b);
      for (const [scope, list] of scopes) {
        for (let chunk = 0; chunk < list.length; chunk++) {
          if (!window.add(scope, chunk, list[chunk]!)) return { items: window.items, next: window.next };
        }
      }
      return { items: window.items, next: null };
    },
  };
}

/** Every file error of the job's list, in order (the job's own, then each ZIP's). */
export async function listedErrors(lists: JobLists, jobId: string): Promise<JobError[]> {
  return (await lists.errors.read(jobId, null, { items: Infinity, bytes: Infinity })).items.map((e) => e.item);
}

export function memoryJobLists(): JobLists & { errors: ReturnType<typeof memoryList<JobError>>; names: ReturnType<typeof memoryList<EntryNameRecord>> } {
  return { errors: memoryList<JobError>(), names: memoryList<EntryNameRecord>() };
}
