/**
 * A stored object as a ZIP source: GetObject by key and version id, ranged
 * (`bytes=N-`) to resume mid-file, with If-Match on its ETag so that a
 * changed object is never mixed with the bytes already written. It answers
 * exactly what an HTTP source answers (size, validator, body) and fails with
 * the fetcher's error type, so BuildZip treats both alike.
 */
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { FetchError, toFetchError, type OpenedSource } from '../core/fetch';
import { objectUrl, parseObjectUrl } from '../core/objects';
import type { SourceRef, SourceRequest } from '../core/sources';

/** A configured bucket as the object source reaches it. */
export interface BucketAccess {
  readonly client: S3Client;
  /** The bucket's own name at its service. */
  readonly bucket: string;
}

/** A tenant's configured bucket by name; undefined when the tenant has none of that name. */
export type BucketResolver = (tenantId: string, bucketName: string) => Promise<BucketAccess | undefined>;

interface S3ErrorLike {
  readonly name?: string;
  readonly Code?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/** The storage's refusal in the fetcher's terms: a short message for the job's errors, and whether to try again. */
export function objectError(error: unknown): FetchError {
  if (error instanceof FetchError) return error;
  const e = (error ?? {}) as S3ErrorLike;
  const status = e.$metadata?.httpStatusCode;
  const name = e.name ?? e.Code ?? '';
  if (status === undefined) return toFetchError(error); // never reached the storage: a network fault
  if (name === 'NoSuchKey' || name === 'NotFound' || (status === 404 && name !== 'NoSuchVersion' && name !== 'NoSuchBucket')) {
    return new FetchError('http', 'object not found', false, { status: 404 });
  }
  if (name === 'NoSuchVersion' || (status === 400 && name === 'InvalidArgument')) return new FetchError('http', 'object version not found', false, { status: 404 });
  if (name === 'NoSuchBucket') return new FetchError('http', 'bucket does not exist', false, { status: 404 });
  if (status === 412) return new FetchError('http', 'object changed', false, { status });
  if (status === 416) return FetchError.rangeNotHonoured(status);
  if (status === 403) return new FetchError('http', 'access denied', false, { status });
  return FetchError.http(status);
}

/** The SDK's body, its failures mapped to FetchError so that BuildZip can resume it. */
function mappedBody(body: AsyncIterable<Uint8Array> & { destroy?: () => void }): Readable {
  async function* chunks() {
    try {
      for await (const chunk of body) yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    } catch (error) {
      throw objectError(error);
    } finally {
      body.destroy?.();
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}

/** Opens `s3://<bucket_name>/<key>` sources of a tenant's configured buckets. */
export function objectSourceOpener(resolve: BucketResolver) {
  // A resume's `ifRange` (the first open's ETag) goes as If-Match; the per-file time limit is the caller's.
  return async (source: SourceRef, req: SourceRequest): Promise<OpenedSource> => {
    const locator = parseObjectUrl(source.url);
    if (!locator) throw FetchError.invalidUrl();
    const access = await resolve(source.tenant_id, locator.bucket_name);
    if (!access) throw new FetchError('http', `no bucket named ${locator.bucket_name}`, false, { status: 404 });
    const start = req.rangeStart ?? 0;
    if (start > 0 && start >= req.maxBytes) throw FetchError.tooLarge();
    const ranged = start > 0 || req.rangeEnd !== undefined;
    const ifMatch = start > 0 ? (req.ifRange ?? source.object?.etag) : source.object?.etag;
    let out;
    try {
      out = await access.client.send(
        new GetObjectCommand({
          Bucket: access.bucket,
          Key: locator.key,
          ...(source.object?.revision && { VersionId: source.object.revision }),
          ...(ranged && { Range: `bytes=${start}-${req.rangeEnd === undefined ? '' : req.rangeEnd - 1}` }),
          ...(ifMatch && { IfMatch: ifMatch }),
        }),
      );
    } catch (error) {
      throw objectError(error);
    }
    const body = out.Body as (AsyncIterable<Uint8Array> & { destroy?: () => void }) | undefined;
    if (!body) throw new FetchError('http', 'object has no body', true, { status: 500 });
    // Checked again on the answer: some S3-compatible stores ignore If-Match on GetObject.
    if (ifMatch && out.ETag !== undefined && out.ETag !== ifMatch) {
      body.destroy?.();
      throw objectError({ name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } });
    }
    const contentLength = out.ContentLength;
    let totalSize = contentLength;
    if (ranged) {
      // A storage that ignored the range would send the object from byte 0.
      const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(out.ContentRange ?? '');
      if (!range || Number(range[1]) !== start) {
        body.destroy?.();
        throw FetchError.rangeNotHonoured(200);
      }
      totalSize = Number(range[3]);
    }
    if (contentLength !== undefined && contentLength > req.maxBytes - start) {
      body.destroy?.();
      throw FetchError.tooLarge();
    }
    return {
      url: objectUrl(locator),
      status: ranged ? 206 : 200,
      ...(contentLength !== undefined && { contentLength }),
      ...(totalSize !== undefined && { totalSize }),
      // The object's own name, as a server's Content-Disposition would give it (keys may hold `?` or `#`, which a URL would cut).
      filename: locator.key.split('/').filter((s) => s !== '').at(-1) ?? '',
      acceptsRanges: true,
      ...(out.ETag !== undefined && { etag: out.ETag }),
      ...(out.LastModified !== undefined && { lastModified: out.LastModified.toUTCString() }),
      body: mappedBody(body),
    };
  };
}

/**
 * Whether `s3://` sources are still there as pinned (a HeadObject of the
 * version, If-Match on the ETag): lets a stream download answer 502 before
 * its first byte rather than break off when it reaches a deleted object.
 */
export function objectSourceChecker(resolve: BucketResolver) {
  return async (source: SourceRef): Promise<void> => {
    const locator = parseObjectUrl(source.url);
    if (!locator) throw FetchError.invalidUrl();
    const access = await resolve(source.tenant_id, locator.bucket_name);
    if (!access) throw new FetchError('http', `no bucket named ${locator.bucket_name}`, false, { status: 404 });
    const etag = source.object?.etag;
    let out;
    try {
      out = await access.client.send(
        new HeadObjectCommand({ Bucket: access.bucket, Key: locator.key, ...(source.object?.revision && { VersionId: source.object.revision }), ...(etag && { IfMatch: etag }) }),
      );
    } catch (error) {
      throw objectError(error);
    }
    if (etag && out.ETag !== undefined && out.ETag !== etag) throw objectError({ name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } });
  };
}
