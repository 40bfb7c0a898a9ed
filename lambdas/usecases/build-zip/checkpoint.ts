/**
 * BuildZip's checkpoint: a JSON document at `objectKeys.checkpoint` and, next
 * to it, a binary object with the bytes the multipart upload does not hold
 * yet. The binary key changes with every save (the JSON names it), so a crash
 * between the two writes never pairs a JSON with bytes of another save.
 */
import { DeleteObjectsCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { isMissingObject } from '../../adapters/blob-store';
import type { EntryNameRecord } from '../../adapters/job-lists';
import type { MultipartSinkState } from '../../adapters/multipart-sink';
import type { JobError } from '../../core/jobs/model';
import type { ZipCheckpoint } from '../../core/zip';

/** An entry paused mid-file: what is needed to ask its source for the rest. */
export interface PausedEntry {
  /** Index into the bin's entries. */
  readonly entry: number;
  /** The entry's (already claimed) name in the archive. */
  readonly name: string;
  /** Strong ETag or Last-Modified of the first response, sent as If-Range. */
  readonly validator?: string;
  /** Time spent fetching the entry in earlier runs, counted against the per-file limit. */
  readonly elapsed_ms?: number;
}

export interface BuildCheckpoint {
  readonly v: 1;
  /** The multipart upload, recorded as soon as it exists. */
  readonly upload_id?: string;
  /** Absent in a checkpoint that only records the upload id (nothing to resume from yet). */
  readonly progress?: {
    readonly sink: MultipartSinkState;
    /** Key of the binary object with the sink's pending bytes. */
    readonly data_key: string;
    readonly writer: ZipCheckpoint;
    /** Next bin entry to start (the paused one, if any, comes first). */
    readonly next_entry: number;
    readonly paused?: PausedEntry;
    /** Names claimed so far, in order (replayed into a fresh deduper). */
    readonly claimed: readonly string[];
    readonly errors: readonly JobError[];
    /** `[file index, entry name]` of the entries written so far (absent in checkpoints of older builds). */
    readonly entry_names?: readonly EntryNameRecord[];
    readonly files_done: number;
    readonly bytes_done: number;
    /** Invocations so far, for logs. */
    readonly runs: number;
  };
}

export class CheckpointStore {
  private saves = 0;

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    readonly key: string,
  ) {}

  async load(): Promise<BuildCheckpoint | undefined> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key }));
      const cp = JSON.parse(await out.Body!.transformToString('utf8')) as BuildCheckpoint;
      if (cp?.v !== 1) throw new Error(`unknown checkpoint version at ${this.key}`);
      return cp;
    } catch (error) {
      if (isMissingObject(error)) return undefined;
      throw error;
    }
  }

  async loadData(key: string): Promise<Uint8Array> {
    const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return out.Body!.transformToByteArray();
  }

  /** A fresh key for the next save's bytes. */
  nextDataKey(): string {
    this.saves++;
    return `${this.key}.${Date.now().toString(36)}-${this.saves}.bin`;
  }

  async putData(key: string, data: Uint8Array): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: data, ContentType: 'application/octet-stream' }));
  }

  async put(cp: BuildCheckpoint): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.key, Body: JSON.stringify(cp), ContentType: 'application/json' }));
  }

  /** Deletes the JSON and the given binary objects (missing ones are fine). */
  async delete(dataKeys: readonly (string | undefined)[]): Promise<void> {
    const keys = [this.key, ...dataKeys.filter((k): k is string => k !== undefined)];
    await this.s3.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }));
  }

  async deleteData(keys: readonly (string | undefined)[]): Promise<void> {
    const list = keys.filter((k): k is string => k !== undefined);
    if (list.length === 0) return;
    await this.s3.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: list.map((Key) => ({ Key })), Quiet: true } }));
  }
}
