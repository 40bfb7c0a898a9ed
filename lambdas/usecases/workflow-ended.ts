import type { WebhookStore } from '../adapters/webhook-store';
import type { WorkflowStarter } from '../adapters/workflow-starter';
import { executionNames } from '../core/jobs/model';
import { webhookMessageId } from '../core/webhooks/delivery';
import { failUnfinishedJob, type WorkflowDeps } from './workflow';

export interface WorkflowEndedDeps extends WorkflowDeps {
  readonly workflow: WorkflowStarter;
  readonly webhooks: Pick<WebhookStore, 'recordDelivery'>;
}

/** How Step Functions reports an execution that did not succeed. */
export type EndedStatus = 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface EndedExecution {
  readonly job_id: string;
  /** The execution's name: which run (or restarted notification) it was. */
  readonly name: string;
  readonly status: EndedStatus;
}

/** What was done about it. */
export type EndedOutcome = 'not-current' | 'job-failed' | 'notification-restarted' | 'delivery-failed' | 'nothing-to-do';

const MESSAGES: Record<EndedStatus, string> = {
  FAILED: 'the job failed because of an internal error',
  TIMED_OUT: 'the job timed out',
  ABORTED: 'the job was stopped',
};

/**
 * An execution of the workflow ended without success: a runtime error no
 * Catch can take, the state machine's time limit, or someone stopping it.
 * Its job must still end, and its webhook still go out:
 * - a run whose job is unfinished fails the job (and its unfinished ZIPs),
 *   then restarts the notification in an execution of its own, with the
 *   webhook's full retries;
 * - a run cut off while its webhook was still being retried restarts the
 *   notification, which carries on from the attempts already made;
 * - a restarted notification that itself ends early marks the delivery failed.
 * A run's own failure path (MarkFailed, Notify, then a Fail state) also ends
 * as FAILED; it finds the job ended and the delivery settled, and does nothing.
 * An earlier run's execution, ending after a retry began, is left alone.
 */
export async function workflowEnded(deps: WorkflowEndedDeps, ended: EndedExecution): Promise<EndedOutcome> {
  const job = await deps.store.getJob(ended.job_id);
  if (!job) return 'nothing-to-do';
  const deliveryPending = job.webhook?.id === webhookMessageId(job.id, job.run) && job.webhook.status === 'pending';
  if (ended.name === executionNames.notify(job)) {
    if (!deliveryPending) return 'nothing-to-do';
    await deps.webhooks.recordDelivery(job.id, {
      ...job.webhook!,
      status: 'failed',
      last_error: `${job.webhook!.last_error ?? 'not delivered'}; the notification was cut off (${ended.status})`,
    });
    return 'delivery-failed';
  }
  if (ended.name !== executionNames.run(job)) return 'not-current';
  const failedNow = await failUnfinishedJob(deps, job, MESSAGES[ended.status], 'execution-ended');
  if (!failedNow && !deliveryPending) return 'nothing-to-do';
  await deps.workflow.start(executionNames.notify(job), { job_id: job.id, notify_only: true });
  return failedNow ? 'job-failed' : 'notification-restarted';
}
