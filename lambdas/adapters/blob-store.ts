import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

/** The bucket as the use cases see it: JSON documents and presigned downloads. */
export interface BlobStore {
  putJson(key: string, value: unknown): Promise<void>;
  getJson<T>(key: string): Promise<T>;
  presignDownload(key: string, filename: string, expiresInSeconds: number): Promise<string>;
}

/** `attachment; filename=…` with an ASCII fallback and the exact UTF-8 name (RFC 6266). */
export function attachmentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export function s3BlobStore(client: S3Client, bucket: string): BlobStore {
  return {
    async putJson(key, value) {
      await client.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(value), ContentType: 'application/json' }),
      );
    },
    async getJson<T>(key: string) {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return JSON.parse(await out.Body!.transformToString('utf8')) as T;
    },
    presignDownload(key, filename, expiresInSeconds) {
      const command = new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        ResponseContentDisposition: attachmentDisposition(filename),
        ResponseContentType: 'application/zip',
      });
      return getSignedUrl(client, command, { expiresIn: expiresInSeconds });
    },
  };
}
