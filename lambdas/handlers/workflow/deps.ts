import { z } from 'zod';
import { sourceRequestOptions, storageDeps } from '../deps';

export { sourceRequestOptions, storageDeps };

/** The state the workflow hands its tasks; parsed so a malformed input fails loudly, once. */
export const jobInput = z.object({ job_id: z.string().min(1) });
export const zipRef = z.object({ zip_id: z.string().min(1), sequence: z.number().int().min(1), bin_key: z.string().min(1) });
export const stepError = z.object({ Error: z.string().optional(), Cause: z.string().optional() }).optional();
