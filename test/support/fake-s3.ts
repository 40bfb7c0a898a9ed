import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { expect } from 'vitest';

/** An in-memory S3 that assembles multipart uploads. */
export class FakeS3 {
  readonly uploads = new Map<string, Map<number, Buffer>>();
  readonly objects = new Map<string, Buffer>();
  /** Each completed object's part sizes, in the order CompleteMultipartUpload listed them. */
  readonly completedParts = new Map<string, number[]>();
  readonly calls: string[] = [];
  private next = 0;

  async send(command: unknown): Promise<unknown> {
    const input = (command as { input: Record<string, any> }).input;
    this.calls.push((command as object).constructor.name);
    if (command instanceof CreateMultipartUploadCommand) {
      const id = `u${++this.next}`;
      this.uploads.set(id, new Map());
      return { UploadId: id };
    }
    if (command instanceof UploadPartCommand) {
      const body = Buffer.from(input.Body as Uint8Array);
      this.uploads.get(input.UploadId)!.set(input.PartNumber, body);
      return { ETag: `"${input.PartNumber}-${body.length}"` };
    }
    if (command instanceof CompleteMultipartUploadCommand) {
      const parts = this.uploads.get(input.UploadId)!;
      const list = input.MultipartUpload.Parts as { PartNumber: number; ETag: string }[];
      const bodies = list.map((p) => {
        const body = parts.get(p.PartNumber)!;
        expect(p.ETag).toBe(`"${p.PartNumber}-${body.length}"`);
        return body;
      });
      this.objects.set(input.Key, Buffer.concat(bodies));
      this.completedParts.set(input.Key, bodies.map((b) => b.length));
      return {};
    }
    if (command instanceof AbortMultipartUploadCommand) {
      this.uploads.delete(input.UploadId);
      return {};
    }
    if (command instanceof PutObjectCommand) {
      this.objects.set(input.Key, Buffer.from(input.Body as Uint8Array));
      return {};
    }
    throw new Error(`unexpected ${(command as object).constructor.name}`);
  }
}

