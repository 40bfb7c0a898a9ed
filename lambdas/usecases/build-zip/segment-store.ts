/**
 * What the builds of one ZIP's segments keep in the service's bucket, beside
 * the ZIP's checkpoints (so expiry and a retry's clean-up find them there):
 * the plan and the shared upload, each finished segment's result (its
 * ranges' CRC-32s, its parts, the bytes of the parts it left to the finish
 * step) and a segment's checkpoint while it runs.
 */
import type { ZipRecord } from '../../core/jobs/model';
import type { Piece, RangeCrc, ResumableSinkState, SegmentPlan } from '../../core/zip';
import type { BuildStorage } from './checkpoint';

/**
 * The ZIP's segment records of one run of its job: a retried job starts its
 * segments afresh (a new upload), never on an earlier run's plan or results.
 */
export const segmentRun = (zipId: string, run: number): string => `${zipId}/run-${run}`;

export const segmentKeys = {
  prefix: (jobId: string, zipId: string) => `checkpoints/${jobId}/${zipId}/`,
  plan: (jobId: string, zipId: string) => `checkpoints/${jobId}/${zipId}/segments.json`,
  result: (jobId: string, zipId: string, index: number) => `checkpoints/${jobId}/${zipId}/segment-${index}.json`,
  checkpoint: (jobId: string, zipId: string, index: number) => `checkpoints/${jobId}/${zipId}/segment-${index}.run.json`,
  /** Pending bytes of a result or checkpoint; the key changes with every save, so a crash between two writes never pairs a JSON with other bytes. */
  data: (jobId: string, zipId: string, index: number, save: string) => `checkpoints/${jobId}/${zipId}/segment-${index}.${save}.bin`,
};

/** The ZIP's build in segments: its upload, shared by all, and the plan. */
export interface SegmentedZip {
  readonly v: 1;
  readonly upload_id: string;
  readonly plan: SegmentPlan;
}

/** Where a segment's sink stood, with its not yet uploaded bytes in `data_key`. */
export interface SavedSink {
  readonly sink: ResumableSinkState;
  readonly data_key: string;
}

/** A finished segment: its ranges' CRCs, and its parts (uploaded ones with their ETags; the rest in `data_key`, in order). */
export interface SegmentResult extends SavedSink {
  readonly v: 1;
  readonly ranges: readonly RangeCrc[];
}

/** The range a paused segment was reading: entry bytes `[from, from + done)` are in, with this CRC-32. */
export interface RangeInProgress {
  readonly entry: number;
  readonly from: number;
  readonly done: number;
  readonly crc: number;
}

/** A segment paused at its budget. */
export interface SegmentCheckpoint extends SavedSink {
  readonly v: 1;
  /** Archive offset the next byte goes to. */
  readonly position: number;
  readonly ranges: readonly RangeCrc[];
  readonly current?: RangeInProgress;
  /** Archive offsets the segment holds back (header pieces awaiting a CRC), to hold again on resume. */
  readonly held: readonly number[];
  readonly runs: number;
}

export type HeaderPiece = Extract<Piece, { kind: 'header' }>;

/**
 * The segment records a ZIP's build in segments left in run `run` of its
 * job: the plan, each segment's result and checkpoint, and the bytes they
 * name. FinishSegments deletes them when the ZIP completes, so a completed
 * ZIP (or a run before the first) has none to read; a ZIP that failed or
 * never finished leaves them, for the next run's Prepare or for expiry.
 */
export async function segmentRecordKeys(blobs: Pick<BuildStorage, 'findJson'>, jobId: string, zip: Pick<ZipRecord, 'id' | 'status'>, run: number): Promise<string[]> {
  if (zip.status === 'completed' || run < 1) return [];
  const zipKey = segmentRun(zip.id, run);
  const plan = segmentKeys.plan(jobId, zipKey);
  const segmented = await blobs.findJson<SegmentedZip>(plan);
  if (!segmented) return [];
  const records = segmented.plan.segments.flatMap(({ index }) => [segmentKeys.result(jobId, zipKey, index), segmentKeys.checkpoint(jobId, zipKey, index)]);
  const saved = await Promise.all(
    records.map(async (key) => {
      const record = await blobs.findJson<SavedSink>(key);
      return record ? [key, record.data_key] : [];
    }),
  );
  return [plan, ...saved.flat()];
}

let saves = 0;

/** Saves `record` with `data` under a fresh key, then drops the bytes of the record it replaces. */
export async function saveWithData<T extends SavedSink>(storage: BuildStorage, key: string, dataKey: string, record: Omit<T, 'data_key'>, data: Uint8Array, previous?: SavedSink): Promise<void> {
  await storage.putBytes(dataKey, data);
  await storage.putJson(key, { ...record, data_key: dataKey });
  if (previous && previous.data_key !== dataKey) await storage.deleteObjects([previous.data_key]).catch(() => undefined);
}

/** A fresh suffix for a data key: time and a per-container counter. */
export function saveId(now: Date): string {
  saves++;
  return `${now.getTime().toString(36)}-${saves}`;
}
