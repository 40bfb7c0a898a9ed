import { DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { attachmentDisposition } from '../core/content-disposition';

/** The bucket as the use cases see it: JSON documents and presigned downloads. */
export interface BlobStore {
  putJson(key: string, value: unknown): Promise<void>;
  getJson<T>(key: string): Promise<T>;
  /** Like getJson, but `undefined` when there is no such object (other errors still throw). */
  findJson<T>(key: string): Promise<T | undefined>;
  /** A short-lived URL that serves the object as a download, signed for `method` (see presignZipDownload). */
  presignDownload(key: string, filename: string, expiresInSeconds: number, method?: 'GET' | 'HEAD'): Promise<string>;
  /** A URL the holder can PUT one object to, at `key`. */
  presignUpload(key: string, expiresInSeconds: number): Promise<string>;
  /** The object's size, or undefined when there is no such object. */
  objectSize(key: string): Promise<number | undefined>;
  /** The object as UTF-8 text. */
  getText(key: string): Promise<string>;
  /** The object's bytes. */
  getBytes(key: string): Promise<Uint8Array>;
  putBytes(key: string, data: Uint8Array): Promise<void>;
  /** Deletes the keys (missing ones are fine); throws if S3 reports any key it could not delete. */
  deleteObjects(keys: readonly string[]): Promise<void>;
}

/** Whether an S3 error says the object is not there. */
export function isMissingObject(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

/**
 * A short-lived URL of a ZIP that downloads under its name. A presigned URL is
 * bound to its method (S3 answers 403 to a HEAD on a GetObject URL), so a HEAD
 * gets one signed for HeadObject.
 */
export function presignZipDownload(
  client: S3Client,
  bucket: string,
  key: string,
  filename: string,
  expiresInSeconds: number,
  method: 'GET' | 'HEAD' = 'GET',
): Promise<string> {
  const input = { Bucket: bucket, Key: key, ResponseContentDisposition: attachmentDisposition(filename), ResponseContentType: 'application/zip' };
  const command = method === 'HEAD' ? new HeadObjectCommand(input) : new GetObjectCommand(input);
  return getSignedUrl(client, command, { expiresIn: expiresInSeconds });
}

export function s3BlobStore(client: S3Client, bucket: string): BlobStore {
  const getText = async (key: string): Promise<string> => {
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return out.Body!.transformToString('utf8');
  };
  const getJson = async <T>(key: string): Promise<T> => JSON.parse(await getText(key)) as T;
  return {
    async putJson(key, value) {
      await client.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(value), ContentType: 'application/json' }),
      );
    },
    getJson,
    getText,
    async getBytes(key) {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return out.Body!.transformToByteArray();
    },
    async putBytes(key, data) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: data, ContentType: 'application/octet-stream' }));
    },
    async objectSize(key) {
      try {
        const out = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return out.ContentLength ?? 0;
      } catch (error) {
        if (isMissingObject(error)) return undefined;
        throw error;
      }
    },
    presignUpload(key, expiresInSeconds) {
      return getSignedUrl(client, new PutObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: expiresInSeconds });
    },
    async findJson<T>(key: string) {
      try {
        return await getJson<T>(key);
      } catch (error) {
        if (isMissingObject(error)) return undefined;
        throw error;
      }
    },
    presignDownload: (key, filename, expiresInSeconds, method) => presignZipDownload(client, bucket, key, filename, expiresInSeconds, method),
    async deleteObjects(keys) {
      for (let i = 0; i < keys.length; i += 1000) {
        const batch = keys.slice(i, i + 1000).map((Key) => ({ Key }));
        const out = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }));
        const failed = (out.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
        if (failed.length > 0) throw new Error(`could not delete ${failed.length} objects (first: ${failed[0]!.Code})`);
      }
    },
  };
}
