import type { RequestOptions } from '../../core/fetch';
import { loadEnv } from '../../env';
import { z } from 'zod';
import { storageDeps } from '../deps';

export { storageDeps };

/** The state the workflow hands its tasks; parsed so a malformed input fails loudly, once. */
export const jobInput = z.object({ job_id: z.string().min(1) });
export const zipRef = z.object({ zip_id: z.string().min(1), sequence: z.number().int().min(1), bin_key: z.string().min(1) });
export const stepError = z.object({ Error: z.string().optional(), Cause: z.string().optional() }).optional();

/** How the workflow reaches sources: one set of limits, so a probe reaches exactly what the build will. */
export function sourceRequestOptions(): RequestOptions {
  return {
    allowPrivateAddresses: loadEnv(['ALLOW_PRIVATE_ADDRESSES']).ALLOW_PRIVATE_ADDRESSES === 'true',
    connectTimeoutMs: 10_000,
    headersTimeoutMs: 30_000,
    userAgent: 'zipjobs/0.1 (+https://github.com/zipjobs)',
  };
}
