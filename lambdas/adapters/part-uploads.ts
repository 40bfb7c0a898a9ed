/**
 * One object's multipart upload, call by call: what MultipartSink streams
 * through, and what the builds of one archive's segments share (each uploads
 * its own part numbers; the finish step completes the object).
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { StorageWriteError } from '../core/buckets/storage-errors';
import type { PartUploads } from '../core/zip/sink';

export interface ObjectTarget {
  readonly bucket: string;
  readonly key: string;
  readonly contentType?: string;
  readonly contentDisposition?: string;
}

export class S3PartUploads implements PartUploads {
  constructor(
    private readonly s3: S3Client,
    private readonly target: ObjectTarget,
  ) {}

  async create(): Promise<string> {
    const out = await this.guard(this.s3.send(new CreateMultipartUploadCommand({ Bucket: this.target.bucket, Key: this.target.key, ...this.headers() })));
    return out.UploadId!;
  }

  async upload(uploadId: string, number: number, body: Uint8Array): Promise<string> {
    const out = await this.guard(this.s3.send(new UploadPartCommand({ Bucket: this.target.bucket, Key: this.target.key, UploadId: uploadId, PartNumber: number, Body: body })));
    return out.ETag!;
  }

  async complete(uploadId: string, parts: readonly { readonly number: number; readonly etag: string }[]): Promise<void> {
    await this.guard(
      this.s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.target.bucket,
          Key: this.target.key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.number, ETag: p.etag })) },
        }),
      ),
    );
  }

  /** Best-effort: lifecycle rules are the safety net if this call fails. */
  async abort(uploadId: string): Promise<void> {
    await this.s3.send(new AbortMultipartUploadCommand({ Bucket: this.target.bucket, Key: this.target.key, UploadId: uploadId })).catch(() => undefined);
  }

  /** A small object in one request instead. */
  async put(body: Uint8Array): Promise<void> {
    await this.guard(this.s3.send(new PutObjectCommand({ Bucket: this.target.bucket, Key: this.target.key, Body: body, ...this.headers() })));
  }

  private headers() {
    return {
      ContentType: this.target.contentType ?? 'application/zip',
      ...(this.target.contentDisposition ? { ContentDisposition: this.target.contentDisposition } : {}),
    };
  }

  /** Every call that writes the object: its failures say which object, and keep the storage's error as the cause. */
  private async guard<T>(call: Promise<T>): Promise<T> {
    try {
      return await call;
    } catch (error) {
      throw new StorageWriteError(`s3://${this.target.bucket}/${this.target.key}`, { cause: error });
    }
  }
}
