import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { bucketEndpoint, R2_REGION, type BucketCredentials, type TenantBucket } from '../core/buckets/model';
import { isPublicAddress } from '../core/fetch';
import type { CredentialStore } from './bucket-credentials';

export interface TenantS3Options {
  /** Deployed: S3 buckets without keys are reached through this role (the bucket policy grants it). */
  readonly roleArn?: string;
  /** The local stack only: an endpoint may be a private or loopback address. */
  readonly allowPrivateAddresses: boolean;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * The agents' DNS lookup for a tenant's endpoint: every address the name has
 * is checked, and the connection goes to a checked one, so a name cannot be
 * re-pointed at the VPC or the metadata service between checks.
 */
function publicOnlyLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    if (addresses.length === 0 || addresses.some((a) => !isPublicAddress(a.address))) {
      const blocked = Object.assign(new Error(`${hostname}: blocked address`), { name: 'BlockedAddress', code: 'BlockedAddress' });
      return callback(blocked, []);
    }
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0]!.address, addresses[0]!.family);
  });
}

/**
 * An S3 client for a tenant's bucket: its endpoint (R2's, or any S3-compatible
 * one, path-style) and region, signed with its keys, or, for S3 without keys,
 * with the stack's tenant-bucket role. Checksums only where required: R2
 * refuses requests that carry more than one, and parts are patched before
 * they upload.
 */
export function tenantS3Client(bucket: TenantBucket, credentials: BucketCredentials | undefined, options: TenantS3Options): S3Client {
  const endpoint = bucketEndpoint(bucket);
  const guarded = endpoint !== undefined && !options.allowPrivateAddresses;
  return new S3Client({
    region: bucket.service === 'r2' ? R2_REGION : bucket.region,
    ...(endpoint !== undefined && { endpoint, forcePathStyle: true }),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(credentials
      ? { credentials: { accessKeyId: credentials.access_key_id, secretAccessKey: credentials.secret_access_key } }
      : options.roleArn !== undefined && { credentials: fromTemporaryCredentials({ params: { RoleArn: options.roleArn, RoleSessionName: 'zipjobs-tenant-bucket' } }) }),
    ...(guarded && {
      requestHandler: new NodeHttpHandler({
        httpAgent: new HttpAgent({ keepAlive: true, lookup: publicOnlyLookup as never }),
        httpsAgent: new HttpsAgent({ keepAlive: true, lookup: publicOnlyLookup as never }),
      }),
    }),
    // The probe and the settings answer must not wait through many retries on a refused write.
    maxAttempts: 3,
  });
}

/** Opens configured buckets: reads the keys from Secrets Manager once per version of the configuration. */
export function tenantBucketClients(credentials: CredentialStore, options: TenantS3Options) {
  const clients = new Map<string, Promise<S3Client>>();
  return {
    open(bucket: TenantBucket): Promise<S3Client> {
      const id = `${bucket.tenant_id}\n${bucket.name}\n${bucket.updated_at}`;
      let client = clients.get(id);
      if (!client) {
        client = (async () => tenantS3Client(bucket, bucket.credentials_secret ? await credentials.get(bucket.credentials_secret) : undefined, options))();
        client.catch(() => clients.delete(id));
        clients.set(id, client);
      }
      return client;
    },
  };
}

export type TenantBucketClients = ReturnType<typeof tenantBucketClients>;

/** Proves the bucket takes a write: a small object put, then deleted. */
export async function probeWrite(client: S3Client, bucket: string, key: string): Promise<void> {
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'zipjobs write check\n', ContentType: 'text/plain' }));
  await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}
