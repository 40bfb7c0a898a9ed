import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

/** An S3 stand-in of its own (s3rver, its own port and folder), for a tenant's bucket or the service's. */
export class S3StandIn {
  private server?: S3rver;
  private dir?: string;
  client!: S3Client;
  endpoint = '';

  async start(buckets: readonly string[] = []): Promise<this> {
    this.dir = mkdtempSync(join(tmpdir(), 'zipjobs-s3-'));
    this.server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: this.dir });
    const { port } = await this.server.run();
    this.endpoint = `http://127.0.0.1:${port}`;
    this.client = new S3Client({
      endpoint: this.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    for (const bucket of buckets) await this.client.send(new CreateBucketCommand({ Bucket: bucket }));
    return this;
  }

  async put(bucket: string, key: string, body: Buffer | string): Promise<string> {
    const out = await this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    return out.ETag!;
  }

  async stop(): Promise<void> {
    this.client?.destroy();
    await this.server?.close();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
