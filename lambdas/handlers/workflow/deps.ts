import { z } from 'zod';
import { dynamoClient } from '../../adapters/aws-clients';
import { dynamoUsageFlags } from '../../adapters/usage-flags';
import { dynamoUsageStore } from '../../adapters/usage-store';
import { dynamoWebhookStore } from '../../adapters/webhook-store';
import type { LoadedEnv } from '../../env';
import type { WorkflowEndedDeps } from '../../usecases/workflow-ended';
import { sourceRequestOptions, storageDeps, workflowStarter } from '../deps';

export { sourceRequestOptions, storageDeps };

/** The state the workflow hands its tasks; parsed so a malformed input fails loudly, once. */
export const jobInput = z.object({ job_id: z.string().min(1) });
export const zipRef = z.object({ zip_id: z.string().min(1), sequence: z.number().int().min(1), bin_key: z.string().min(1) });
export const stepError = z.object({ Error: z.string().optional(), Cause: z.string().optional() }).optional();

/** What ends a job whose run is over (WorkflowEnded, the sweeper): the stores, the webhook deliveries, usage, and starting the notification. */
export function workflowEndedDeps(env: LoadedEnv<'TABLE_NAME' | 'BUCKET_NAME' | 'EVENT_BUS_NAME' | 'STATE_MACHINE_ARN'>): WorkflowEndedDeps {
  const table = env.TABLE_NAME;
  return {
    ...storageDeps(env),
    workflow: workflowStarter(env),
    webhooks: dynamoWebhookStore(dynamoClient(), table),
    storedUsage: { usage: dynamoUsageStore(dynamoClient(), table), flags: dynamoUsageFlags(dynamoClient(), table) },
  };
}
