import { s3Client } from '../../adapters/aws-clients';
import { log } from '../../adapters/log';
import { loadEnv } from '../../env';
import { functionEnv } from '../../function-env';
import { abandonTenantUpload } from '../../usecases/build-zip/abandon';
import { markZipFailed } from '../../usecases/workflow/mark-zip-failed';
import { tenantBucketDeps } from '../tenant-buckets';
import { jobInput, stepError, storageDeps, zipRef } from './deps';
import { multipartZipSinks } from './zip-sinks';
import { tenantZipTargets } from './zip-targets';
import { invocation } from '../invocation';

const env = loadEnv(functionEnv.MarkZipFailed);
const storage = storageDeps(env);
const deps = {
  ...storage,
  sinks: multipartZipSinks({ s3: s3Client(), bucket: env.BUCKET_NAME }, tenantZipTargets(storage.store, tenantBucketDeps(env))),
};
const input = jobInput.extend({ zip: zipRef, error: stepError });

export const handler = invocation(async (event: unknown) => {
  const { job_id, zip, error } = input.parse(event);
  await markZipFailed(deps, job_id, zip.sequence, error);
  await abandonTenantUpload(deps, job_id, zip).catch((e: unknown) => log.warn('MarkZipFailed could not abort the upload', { job_id, zip_id: zip.zip_id, error: e }));
  return { job_id, zip, done: true };
});
