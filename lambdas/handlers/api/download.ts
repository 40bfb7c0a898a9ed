import { dynamoClient } from '../../adapters/aws-clients';
import { presignZipDownload } from '../../adapters/blob-store';
import { dynamoUsageStore } from '../../adapters/usage-store';
import type { ZipLocation } from '../../core/buckets/model';
import { InvalidTokenError } from '../../core/errors';
import { parsePlans, planNamed } from '../../core/plans';
import { loadEnv } from '../../env';
import { functionEnv } from '../../function-env';
import { admitDownload } from '../../usecases/admit-request';
import { presignZip, resolveToken } from '../../usecases/read-job';
import { streamDownload } from '../../usecases/stream-download';
import { findZipball } from '../../usecases/zipball';
import { streamingHandler } from '../http/streaming';
import { objectSourceChecker, objectSourceOpener } from '../../adapters/object-source';
import { tenantBucketDeps, tenantBucketResolver } from '../tenant-buckets';
import { signingKeys, sourceFetchOptions, storageDeps } from './deps';

const env = loadEnv(functionEnv.Download);
const plans = parsePlans(env.PLANS);
const tenant = tenantBucketDeps(env);
const usage = dynamoUsageStore(dynamoClient(), env.TABLE_NAME);
const deps = {
  ...storageDeps(env),
  signingKeys: signingKeys(env),
  presignInTenantBucket: async (tenantId: string, location: ZipLocation, filename: string, expiresInSeconds: number, method: 'GET' | 'HEAD') => {
    const bucket = await tenant.buckets.get(tenantId, location.bucket_name);
    if (!bucket) throw new InvalidTokenError(`token: the bucket "${location.bucket_name}" is no longer configured`);
    return presignZipDownload(await tenant.clients.open(bucket), location.bucket, location.key, filename, expiresInSeconds, method);
  },
  usage,
  // No API key, so no tenant's rate: each link has a rate of its own.
  admit: (link: string) => admitDownload(usage, link, env.DOWNLOAD_REQUESTS_PER_MINUTE, Date.now()),
  planOf: (job: { plan?: string }) => planNamed(job.plan ?? '', plans),
  fetch: sourceFetchOptions(env),
  objects: { open: objectSourceOpener(tenantBucketResolver(tenant)), check: objectSourceChecker(tenantBucketResolver(tenant)) },
};

/**
 * `GET` and `HEAD /download/:token`, one handler for every ZIP: a stored one
 * answers 302 to a URL signed for the method asked, a stream one is built
 * into the response; `GET` and `HEAD /<ball_id>.zip` stream a ZipBall the same way.
 */
export const handler = streamingHandler(async (event) => {
  const method = event.httpMethod === 'HEAD' ? 'HEAD' : 'GET';
  const header = (name: string) => Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === name)?.[1] ?? undefined;
  // `/<ball_id>.zip`: a ZipBall, which is a stream ZIP whose id is its credential.
  if (event.resource === '/{ball}') {
    const ball = await findZipball(deps, event.pathParameters?.ball ?? '');
    return streamDownload(deps, ball.job, ball.zip, { method, range: header('range'), ifRange: header('if-range') });
  }
  const { job, zip } = await resolveToken(deps, event.pathParameters?.token ?? '');
  if (job.options.mode !== 'stream') {
    return { statusCode: 302, headers: { Location: await presignZip(deps, job, zip, method), 'Cache-Control': 'no-store', 'Content-Length': '0' } };
  }
  return streamDownload(deps, job, zip, { method, range: header('range'), ifRange: header('if-range') });
});
