/**
 * Names the cause of a refused write to a bucket, as the user should read it
 * on a ZIP or a settings answer; undefined for faults that may pass (a 5xx,
 * a reset connection), which are retried instead.
 */
export interface StorageErrorLike {
  readonly name?: string;
  readonly code?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

const CREDENTIALS = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidToken', 'ExpiredToken', 'InvalidClientTokenId', 'Unauthorized']);
const UNREACHABLE = new Set(['ENOTFOUND', 'ECONNREFUSED', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT']);

export function storageProblem(error: unknown, where: string): string | undefined {
  const e = (error ?? {}) as StorageErrorLike;
  const name = e.name ?? '';
  const status = e.$metadata?.httpStatusCode;
  if (name === 'NoSuchBucket') return 'bucket does not exist';
  if (name === 'NoSuchUpload') return undefined; // the upload, not the bucket: see uploadGone
  if (CREDENTIALS.has(name)) return 'credentials rejected';
  if (name === 'AccessDenied' || name === 'AllAccessDisabled' || name === 'Forbidden' || status === 403) return `bucket permissions: ${name === 'Forbidden' || !name ? 'AccessDenied' : name} (${where})`;
  if (name === 'BlockedAddress') return 'endpoint refused: it points to a private or loopback address';
  if (UNREACHABLE.has(e.code ?? name)) return `endpoint unreachable (${e.code ?? name})`;
  if (status === 404) return 'bucket does not exist';
  if (name === 'InvalidBucketName' || name === 'KeyTooLongError' || name === 'InvalidArgument' || name === 'NotImplemented') return `bucket refused the write: ${name} (${where})`;
  return undefined;
}

/** Whether `error` (or one of its causes) says the multipart upload written to no longer exists (aborted, or already completed). */
export function uploadGone(error: unknown): boolean {
  let e = error;
  for (let depth = 0; depth < 8 && e !== undefined && e !== null; depth++, e = (e as { cause?: unknown }).cause) {
    if ((e as StorageErrorLike).name === 'NoSuchUpload') return true;
  }
  return false;
}

/** A ZIP's bucket can no longer be used (its configuration was deleted): the ZIP fails with this message. */
export class BucketUnavailableError extends Error {
  override readonly name = 'BucketUnavailableError';
}

/** A write the storage refused or failed; `cause` is the storage's error, `uri` the object. */
export class StorageWriteError extends Error {
  override readonly name = 'StorageWriteError';
  constructor(
    readonly uri: string,
    options: { cause: unknown },
  ) {
    super(`writing ${uri} failed: ${options.cause instanceof Error ? options.cause.message : String(options.cause)}`, options);
  }
}
