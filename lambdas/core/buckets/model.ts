import type { BucketView } from '../api/responses';
/** A tenant's configured bucket, as stored: no secret in it, only where the secret is. */
export type BucketService = 's3' | 'r2';

export interface TenantBucket {
  readonly tenant_id: string;
  /** The name jobs use (`bucket_name`). */
  readonly name: string;
  readonly service: BucketService;
  /** The bucket's own name at its service. */
  readonly bucket: string;
  readonly region: string;
  readonly account_id?: string;
  /** Any other S3-compatible endpoint (MinIO, a local stand-in); R2's is derived from `account_id`. */
  readonly endpoint?: string;
  /** The Secrets Manager secret holding its access keys; absent for S3 reached through the stack's role. */
  readonly credentials_secret?: string;
  readonly created_at: string;
  readonly updated_at: string;
}

/** An access key pair: kept in Secrets Manager, never in the table, never returned, never logged. */
export interface BucketCredentials {
  readonly access_key_id: string;
  readonly secret_access_key: string;
}

/** Where a ZIP written to a tenant's bucket is (`zips[].location`); `bucket_name` is ours, not shown. */
export interface ZipLocation {
  readonly service: BucketService;
  readonly bucket: string;
  readonly key: string;
  readonly bucket_name: string;
}

/** The public view: everything but the secret. */
export function bucketView(b: TenantBucket): BucketView {
  return {
    name: b.name,
    service: b.service,
    bucket: b.bucket,
    ...(b.service === 's3' && { region: b.region }),
    ...(b.account_id !== undefined && { account_id: b.account_id }),
    ...(b.endpoint !== undefined && { endpoint: b.endpoint }),
    created_at: b.created_at,
    updated_at: b.updated_at,
  };
}

/** How to reach the bucket over the S3 API: R2's endpoint is its account's; `auto` is R2's only region. */
export function bucketEndpoint(b: Pick<TenantBucket, 'service' | 'endpoint' | 'account_id'>): string | undefined {
  if (b.endpoint !== undefined) return b.endpoint;
  if (b.service === 'r2') return `https://${b.account_id}.r2.cloudflarestorage.com`;
  return undefined;
}

export const R2_REGION = 'auto';
export const DEFAULT_S3_REGION = 'us-east-1';

/** `s3://bucket/key`, as failures name the object. */
export const objectUri = (bucket: string, key: string) => `s3://${bucket}/${key}`;
