import { presignZipDownload } from '../../adapters/blob-store';
import type { ZipLocation } from '../../core/buckets/model';
import { InvalidTokenError } from '../../core/errors';
import { resolveDownload } from '../../usecases/read-job';
import { tenantBucketDeps } from '../tenant-buckets';
import { publicHandler } from '../http/api-handler';
import { signingKeys, storageDeps } from './deps';

const tenant = tenantBucketDeps();
const deps = {
  ...storageDeps(),
  signingKeys: signingKeys(),
  presignInTenantBucket: async (tenantId: string, location: ZipLocation, filename: string, expiresInSeconds: number, method: 'GET' | 'HEAD') => {
    const bucket = await tenant.buckets.get(tenantId, location.bucket_name);
    if (!bucket) throw new InvalidTokenError(`token: the bucket "${location.bucket_name}" is no longer configured`);
    return presignZipDownload(await tenant.clients.open(bucket), location.bucket, location.key, filename, expiresInSeconds, method);
  },
};

/** `GET` and `HEAD /download/:token`: the same redirect, to a URL signed for the method asked. */
export const handler = publicHandler(async (event) => {
  const method = event.httpMethod === 'HEAD' ? 'HEAD' : 'GET';
  const location = await resolveDownload(deps, event.pathParameters?.token ?? '', method);
  return { statusCode: 302, headers: { Location: location, 'Cache-Control': 'no-store' }, body: '' };
});
