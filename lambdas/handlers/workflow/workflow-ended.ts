import { z } from 'zod';
import { log } from '../../adapters/log';
import { loadEnv } from '../../env';
import { functionEnv } from '../../function-env';
import { workflowEnded } from '../../usecases/workflow-ended';
import { jobInput, workflowEndedDeps } from './deps';
import { invocation } from '../invocation';

const deps = workflowEndedDeps(loadEnv(functionEnv.WorkflowEnded));

/** EventBridge's "Step Functions Execution Status Change", as the stack's rule lets it through. */
const event = z.object({
  detail: z.object({
    name: z.string().min(1),
    status: z.enum(['FAILED', 'TIMED_OUT', 'ABORTED']),
    // The execution's input, as a JSON string ({job_id}; far below the 248 KiB EventBridge includes).
    input: z.string().transform((text, ctx) => {
      try {
        return jobInput.parse(JSON.parse(text));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'input is not a workflow input' });
        return z.NEVER;
      }
    }),
    error: z.string().nullish(),
  }),
});

/**
 * Target of the rule on the workflow's executions that end without success.
 * A fault throws, and EventBridge retries the event (for up to 24 h).
 */
export const handler = invocation(async (raw: unknown) => {
  const { detail } = event.parse(raw);
  log.appendKeys({ job_id: detail.input.job_id });
  const outcome = await workflowEnded(deps, { job_id: detail.input.job_id, name: detail.name, status: detail.status });
  if (outcome !== 'nothing-to-do') log.warn('workflow execution ended early', { job_id: detail.input.job_id, execution: detail.name, status: detail.status, error: detail.error, outcome });
  return { outcome };
});
