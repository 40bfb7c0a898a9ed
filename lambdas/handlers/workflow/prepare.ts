import { probe, type ProbeOptions } from '../../core/fetch';
import { loadEnv } from '../../env';
import { prepare } from '../../usecases/workflow';
import { jobInput, storageDeps } from './deps';

const env = loadEnv(['ALLOW_PRIVATE_ADDRESSES']);
// The same limits as BuildZip's fetches, so a probe reaches exactly what the build will.
const probeOptions: ProbeOptions = {
  allowPrivateAddresses: env.ALLOW_PRIVATE_ADDRESSES === 'true',
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 30_000,
  userAgent: 'zipjobs/0.1 (+https://github.com/zipjobs)',
};
const deps = { ...storageDeps(), probe: (url: string) => probe(url, probeOptions) };

export const handler = async (event: unknown) => prepare(deps, jobInput.parse(event).job_id);
