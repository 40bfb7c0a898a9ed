import { randomUUID } from 'node:crypto';
import type { BucketStore } from '../adapters/bucket-store';
import type { CredentialStore } from '../adapters/bucket-credentials';
import { bucketView, DEFAULT_S3_REGION, objectUri, R2_REGION, type BucketCredentials, type TenantBucket } from '../core/buckets/model';
import { BUCKET_NAME_PATTERN, BUCKET_NAME_RULE, bucketSettingsRequestSchema } from '../core/buckets/settings-request';
import { storageProblem } from '../core/buckets/storage-errors';
import { NotFoundError } from '../core/errors';
import { invalidField, parseOrThrow } from '../core/validation';
import { webhookUrlProblem } from '../core/webhooks/url';

export interface BucketSettingsDeps {
  readonly buckets: BucketStore;
  readonly credentials: CredentialStore;
  /** Writes then deletes `key` in the bucket with these keys (or the stack's role); throws the storage's error. */
  readonly probe: (bucket: TenantBucket, credentials: BucketCredentials | undefined, key: string) => Promise<void>;
  readonly now: () => Date;
  readonly newId?: () => string;
  /** The local stack only: an endpoint may be plain http and a private address. */
  readonly allowPrivateAddresses: boolean;
}

function checkName(name: string): void {
  if (!BUCKET_NAME_PATTERN.test(name)) throw invalidField('name', BUCKET_NAME_RULE);
}

/** The configured bucket a job names, or a 400 naming `bucket_name`. */
export async function namedBucket(buckets: BucketStore, tenantId: string, name: string): Promise<TenantBucket> {
  const found = BUCKET_NAME_PATTERN.test(name) ? await buckets.get(tenantId, name) : undefined;
  if (!found) throw invalidField('bucket_name', `no bucket named "${name.slice(0, 64)}" is configured (PUT /settings/buckets/${encodeURIComponent(name.slice(0, 64))})`);
  return found;
}

/** The probe failed: which field to blame, and why, in the words the ZIPs use too. */
function probeFailure(error: unknown, bucket: TenantBucket, key: string) {
  const cause = storageProblem(error, objectUri(bucket.bucket, key));
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  const message = cause ?? `the probe write failed: ${e.name ?? 'error'}${e.$metadata?.httpStatusCode ? ` (HTTP ${e.$metadata.httpStatusCode})` : ''}`;
  const field = cause === 'credentials rejected' && bucket.credentials_secret !== undefined ? 'access_key_id' : cause?.startsWith('endpoint') ? 'endpoint' : 'bucket';
  return invalidField(field, message);
}

/**
 * `PUT /settings/buckets/:name`: checks the body, proves the bucket takes a
 * write (a probe object written and deleted) with the keys given, stores the
 * keys in Secrets Manager and the rest in the table. Replaces an earlier
 * configuration of the same name.
 */
export async function putBucket(deps: BucketSettingsDeps, tenantId: string, name: string, input: unknown) {
  checkName(name);
  const body = parseOrThrow(bucketSettingsRequestSchema, input);
  if (body.endpoint !== undefined) {
    // An endpoint is an outbound URL like a webhook's: the same rules (https, no private address when deployed).
    const problem = webhookUrlProblem(body.endpoint, { allowPrivateAddresses: deps.allowPrivateAddresses });
    if (problem) throw invalidField('endpoint', problem);
  }
  const previous = await deps.buckets.get(tenantId, name);
  const now = deps.now().toISOString();
  const credentials = body.access_key_id !== undefined ? { access_key_id: body.access_key_id, secret_access_key: body.secret_access_key! } : undefined;
  const secretName = credentials ? deps.credentials.secretName(tenantId, name) : undefined;
  const bucket: TenantBucket = {
    tenant_id: tenantId,
    name,
    service: body.service,
    bucket: body.bucket,
    region: body.service === 'r2' ? R2_REGION : (body.region ?? DEFAULT_S3_REGION),
    ...(body.account_id !== undefined && { account_id: body.account_id }),
    ...(body.endpoint !== undefined && { endpoint: body.endpoint.replace(/\/+$/, '') }),
    ...(secretName !== undefined && { credentials_secret: secretName }),
    created_at: previous?.created_at ?? now,
    updated_at: now,
  };
  const probeKey = `zipjobs-probe-${(deps.newId ?? randomUUID)()}`;
  try {
    await deps.probe(bucket, credentials, probeKey);
  } catch (error) {
    throw probeFailure(error, bucket, probeKey);
  }
  if (credentials && secretName) await deps.credentials.put(secretName, credentials);
  await deps.buckets.put(bucket);
  if (previous?.credentials_secret && !secretName) await deps.credentials.delete(previous.credentials_secret);
  return bucketView(bucket);
}

/** `GET /settings/buckets/:name`. */
export async function getBucket(deps: Pick<BucketSettingsDeps, 'buckets'>, tenantId: string, name: string) {
  checkName(name);
  const found = await deps.buckets.get(tenantId, name);
  if (!found) throw new NotFoundError(`bucket ${name} not found`);
  return bucketView(found);
}

/** `GET /settings/buckets`, by name. */
export async function listBuckets(deps: Pick<BucketSettingsDeps, 'buckets'>, tenantId: string) {
  const all = await deps.buckets.list(tenantId);
  return all.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map(bucketView);
}

/** `DELETE /settings/buckets/:name`: the configuration and its keys; objects already written stay. */
export async function deleteBucket(deps: Pick<BucketSettingsDeps, 'buckets' | 'credentials'>, tenantId: string, name: string): Promise<void> {
  checkName(name);
  const found = await deps.buckets.get(tenantId, name);
  if (!found) throw new NotFoundError(`bucket ${name} not found`);
  await deps.buckets.delete(tenantId, name);
  if (found.credentials_secret) await deps.credentials.delete(found.credentials_secret);
}
