import { secretsClient, dynamoClient } from '../adapters/aws-clients';
import { secretsCredentialStore } from '../adapters/bucket-credentials';
import { dynamoBucketStore } from '../adapters/bucket-store';
import { tenantBucketClients } from '../adapters/tenant-s3';
import type { BucketAccess } from '../adapters/object-source';
import type { LoadedEnv } from '../env';

/** Tenants' configured buckets: their records, their keys and S3 clients for them, built once per container. */
export function tenantBucketDeps(env: LoadedEnv<'TABLE_NAME' | 'BUCKET_SECRET_PREFIX' | 'ALLOW_PRIVATE_ADDRESSES' | 'TENANT_BUCKET_ROLE_ARN'>) {
  const options = {
    allowPrivateAddresses: env.ALLOW_PRIVATE_ADDRESSES === 'true',
    ...(env.TENANT_BUCKET_ROLE_ARN !== undefined && { roleArn: env.TENANT_BUCKET_ROLE_ARN }),
  };
  const credentials = secretsCredentialStore(secretsClient(), env.BUCKET_SECRET_PREFIX);
  return { buckets: dynamoBucketStore(dynamoClient(), env.TABLE_NAME), credentials, clients: tenantBucketClients(credentials, options), s3Options: options };
}

/** A tenant's configured bucket by name, with a client for it; undefined when the tenant has none of that name. */
export function tenantBucketResolver({ buckets, clients }: Pick<ReturnType<typeof tenantBucketDeps>, 'buckets' | 'clients'>) {
  return async (tenantId: string, bucketName: string): Promise<BucketAccess | undefined> => {
    const bucket = await buckets.get(tenantId, bucketName);
    return bucket && { client: await clients.open(bucket), bucket: bucket.bucket };
  };
}
