import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { expect } from 'vitest';

/** An in-memory S3 that assembles multipart uploads (open ones in `uploads`); `failUploads` makes UploadPart throw (a storage fault). */
export class FakeS3 {
  failUploads = false;
  readonly uploads = new Map<string, Map<number, Buffer>>();
  readonly objects = new Map<string, Buffer>();
  /** Each completed object's part sizes, in the order CompleteMultipartUpload listed them. */
  readonly completedParts = new Map<string, number[]>();
  readonly calls: string[] = [];
  private next = 0;

  /** Multipart uploads created so far. */
  get created(): number {
    return this.next;
  }

  async send(command: unknown): Promise<unknown> {
    const input = (command as { input: Record<string, any> }).input;
    this.calls.push((command as object).constructor.name);
    if (command instanceof CreateMultipartUploadCommand) {
      const id = `u${++this.next}`;
      this.uploads.set(id, new Map());
      return { UploadId: id };
    }
    if (command instanceof UploadPartCommand) {
      if (this.failUploads) throw new Error('S3 is down');
      const body = Buffer.from(input.Body as Uint8Array);
      this.upload(input.UploadId).set(input.PartNumber, body);
      return { ETag: `"${input.PartNumber}-${body.length}"` };
    }
    if (command instanceof CompleteMultipartUploadCommand) {
      const parts = this.upload(input.UploadId);
      this.uploads.delete(input.UploadId); // a completed upload takes no more parts
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
    if (command instanceof GetObjectCommand) {
      const body = this.objects.get(input.Key);
      if (!body) throw Object.assign(new Error('missing'), { name: 'NoSuchKey' });
      return { Body: { transformToString: async () => body.toString('utf8'), transformToByteArray: async () => new Uint8Array(body) } };
    }
    if (command instanceof DeleteObjectsCommand) {
      for (const o of input.Delete.Objects as { Key: string }[]) this.objects.delete(o.Key);
      return {};
    }
    throw new Error(`unexpected ${(command as object).constructor.name}`);
  }

  /** An open upload's parts; S3's 404 NoSuchUpload for one aborted, completed or never created. */
  private upload(id: string): Map<number, Buffer> {
    const parts = this.uploads.get(id);
    if (!parts) throw Object.assign(new Error('The specified upload does not exist.'), { name: 'NoSuchUpload', $metadata: { httpStatusCode: 404 } });
    return parts;
  }
}

