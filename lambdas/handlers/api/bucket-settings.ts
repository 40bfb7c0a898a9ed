import { probeWrite, tenantS3Client } from '../../adapters/tenant-s3';
import type { BucketCredentials, TenantBucket } from '../../core/buckets/model';
import { NotFoundError } from '../../core/errors';
import { loadEnv } from '../../env';
import { functionEnv } from '../../function-env';
import { deleteBucket, getBucket, listBuckets, putBucket } from '../../usecases/bucket-settings';
import { apiHandler } from '../http/api-handler';
import { success } from '../http/responses';
import { tenantBucketDeps } from '../tenant-buckets';
import { apiAccess } from './deps';

const env = loadEnv(functionEnv.BucketSettings);
const tenantBuckets = tenantBucketDeps(env);
const deps = {
  ...tenantBuckets,
  allowPrivateAddresses: tenantBuckets.s3Options.allowPrivateAddresses,
  now: () => new Date(),
  probe: async (bucket: TenantBucket, credentials: BucketCredentials | undefined, key: string) => {
    const client = tenantS3Client(bucket, credentials, tenantBuckets.s3Options);
    try {
      await probeWrite(client, bucket.bucket, key);
    } finally {
      client.destroy();
    }
  },
};

/** `/settings/buckets` and `/settings/buckets/{name}`: one small function for the four routes. */
export const handler = apiHandler(apiAccess(env), async ({ event, body, tenant }) => {
  const name = event.pathParameters?.name ?? '';
  switch (`${event.httpMethod} ${event.resource}`) {
    case 'GET /settings/buckets':
      return success(200, { buckets: await listBuckets(deps, tenant.id) });
    case 'PUT /settings/buckets/{name}':
      return success(200, { bucket: await putBucket(deps, tenant.id, name, body ?? {}) });
    case 'GET /settings/buckets/{name}':
      return success(200, { bucket: await getBucket(deps, tenant.id, name) });
    case 'DELETE /settings/buckets/{name}':
      await deleteBucket(deps, tenant.id, name);
      return success(200, { name });
    default:
      throw new NotFoundError('no such route');
  }
});
