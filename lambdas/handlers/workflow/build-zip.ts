import { s3Client } from '../../adapters/aws-clients';
import { loadEnv } from '../../env';
import { buildZip } from '../../usecases/build-zip';
import { storageDeps } from '../deps';
import { jobInput, zipRef } from './deps';

const env = loadEnv(['BUCKET_NAME', 'ALLOW_PRIVATE_ADDRESSES']);
const deps = {
  ...storageDeps(),
  s3: s3Client(),
  bucket: env.BUCKET_NAME,
  fetch: {
    allowPrivateAddresses: env.ALLOW_PRIVATE_ADDRESSES === 'true',
    connectTimeoutMs: 10_000,
    headersTimeoutMs: 30_000,
    idleTimeoutMs: 30_000,
    userAgent: 'zipjobs/0.1 (+https://github.com/zipjobs)',
  },
};
const input = jobInput.extend({ zip: zipRef });

export const handler = async (event: unknown) => {
  const { job_id, zip } = input.parse(event);
  const { done } = await buildZip(deps, job_id, zip);
  return { job_id, zip, done };
};
