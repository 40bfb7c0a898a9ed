/**
 * BuildZip's checkpoint: a JSON document at `objectKeys.checkpoint` and, next
 * to it, a binary object with the bytes the sink has not stored yet. The
 * binary key changes with every save (the JSON names it), so a crash between
 * the two writes never pairs a JSON with bytes of another save.
 */
import type { BlobStore } from '../../adapters/blob-store';
import { objectKeys } from '../../core/jobs/model';
import type { ResumableSinkState, ResumableZipSink, ZipCheckpoint } from '../../core/zip';
import type { BuildProgress } from './progress';

/** Where checkpoints are kept: the service's bucket, as a blob store. */
export type BuildStorage = Pick<BlobStore, 'findJson' | 'putJson' | 'getBytes' | 'putBytes' | 'deleteObjects'>;

export type { PausedEntry } from './progress';

export interface BuildCheckpoint {
  readonly v: 1;
  /** The multipart upload, recorded as soon as it exists. */
  readonly upload_id?: string;
  /** Absent in a checkpoint that only records the upload id (nothing to resume from yet). */
  readonly progress?: BuildProgress & {
    readonly sink: ResumableSinkState;
    /** Key of the binary object with the sink's pending bytes. */
    readonly data_key: string;
    readonly writer: ZipCheckpoint;
  };
}

/**
 * A ZIP's checkpoint objects: the JSON and the binary part it names (whose
 * key changes with every save, so it has to be read to be known).
 */
export async function checkpointObjectKeys(blobs: Pick<BlobStore, 'getJson'>, jobId: string, zipId: string): Promise<string[]> {
  const key = objectKeys.checkpoint(jobId, zipId);
  const checkpoint = await blobs.getJson<{ progress?: { data_key?: string } }>(key).catch(() => undefined);
  const dataKey = checkpoint?.progress?.data_key;
  return dataKey ? [key, dataKey] : [key];
}

/**
 * One ZIP's checkpoint. It remembers the last one loaded or saved, so that
 * recording a new upload keeps the progress saved before it and each save
 * replaces the bytes of the one before.
 */
export class CheckpointStore {
  private saves = 0;
  private last: BuildCheckpoint | undefined;
  readonly key: string;

  constructor(
    private readonly storage: BuildStorage,
    jobId: string,
    zipId: string,
  ) {
    this.key = objectKeys.checkpoint(jobId, zipId);
  }

  async load(): Promise<BuildCheckpoint | undefined> {
    const cp = await this.storage.findJson<BuildCheckpoint>(this.key);
    if (cp !== undefined && cp?.v !== 1) throw new Error(`unknown checkpoint version at ${this.key}`);
    this.last = cp;
    return cp;
  }

  /** The bytes a saved sink had not stored yet. */
  loadData(key: string): Promise<Uint8Array> {
    return this.storage.getBytes(key);
  }

  /** Records a new upload at once, so that a crash before the next save can reuse (or abort) it. */
  async recordUpload(uploadId: string): Promise<void> {
    await this.put({ ...(this.last ?? { v: 1 }), upload_id: uploadId });
  }

  /** Saves the progress with the sink's state (its pending bytes under a fresh key) and the writer's. */
  async save(progress: BuildProgress, sink: ResumableZipSink, writer: ZipCheckpoint): Promise<void> {
    const { state, data } = await sink.exportState();
    const previous = this.last?.progress?.data_key;
    this.saves++;
    const dataKey = `${this.key}.${Date.now().toString(36)}-${this.saves}.bin`;
    await this.storage.putBytes(dataKey, data);
    await this.put({ v: 1, ...(state.uploadId !== undefined && { upload_id: state.uploadId }), progress: { sink: state, data_key: dataKey, writer, ...progress } });
    if (previous !== undefined) await this.storage.deleteObjects([previous]).catch(() => undefined); // garbage only; lifecycle rules catch what this misses
  }

  /** Deletes the checkpoint and its bytes, best-effort (lifecycle rules catch what this misses). */
  async clear(): Promise<void> {
    const dataKey = this.last?.progress?.data_key;
    this.last = undefined; // an upload recorded after this starts a checkpoint of its own
    await this.storage.deleteObjects([this.key, ...(dataKey !== undefined ? [dataKey] : [])]).catch(() => undefined);
  }

  private async put(cp: BuildCheckpoint): Promise<void> {
    await this.storage.putJson(this.key, cp);
    this.last = cp;
  }
}
