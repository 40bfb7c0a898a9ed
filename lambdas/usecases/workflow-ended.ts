import type { WebhookStore } from '../adapters/webhook-store';
import type { WorkflowStarter } from '../adapters/workflow-starter';
import { executionNames, isTerminal, type Job } from '../core/jobs/model';
import { ENDED_MESSAGES, type EndedStatus } from '../core/jobs/sweep';
import { webhookMessageId } from '../core/webhooks/delivery';
import { log } from '../adapters/log';
import { finalize, type FinalizeDeps } from './workflow/finalize';
import { failUnfinishedJob } from './workflow/mark-job-failed';

export type { EndedStatus };

/** `storedUsage`: stored GB-days, counted when a job whose ZIPs were all built is completed here as Finalize would. */
export interface WorkflowEndedDeps extends FinalizeDeps {
  readonly workflow: WorkflowStarter;
  readonly webhooks: Pick<WebhookStore, 'recordDelivery'>;
}

export interface EndedExecution {
  readonly job_id: string;
  /** The execution's name: which run (or restarted notification) it was. */
  readonly name: string;
  readonly status: EndedStatus;
}

/** What was done about it. */
export type EndedOutcome = 'not-current' | 'job-failed' | 'job-completed' | 'notification-restarted' | 'delivery-failed' | 'nothing-to-do';

/**
 * An execution of the workflow ended without success: a runtime error no
 * Catch can take, the state machine's time limit, or someone stopping it.
 * Its job must still end, and its webhook still go out:
 * - a run whose job is unfinished fails the job (and its unfinished ZIPs),
 *   or completes it as Finalize would when every ZIP was built (the run
 *   ended between its last build and Finalize), then restarts the
 *   notification in an execution of its own, with the webhook's full retries;
 * - a run cut off while its webhook was still being retried restarts the
 *   notification, which carries on from the attempts already made;
 * - a restarted notification that itself ends early marks the delivery failed.
 * A run's own failure path (MarkFailed, Notify, then a Fail state) also ends
 * as FAILED; it finds the job ended and the delivery settled, and does nothing.
 * An earlier run's execution, ending after a retry began, is left alone.
 * Every write is conditional, so the rule's event and the sweeper
 * (`MISSING`: no execution at all) may handle one run at once.
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
  const endedNow = await endUnfinishedJob(deps, job, ENDED_MESSAGES[ended.status]);
  if (!endedNow && !deliveryPending) return 'nothing-to-do';
  await deps.workflow.start(executionNames.notify(job), { job_id: job.id, notify_only: true });
  return endedNow === 'completed' ? 'job-completed' : endedNow ? 'job-failed' : 'notification-restarted';
}

/**
 * Ends `job` (as just read) whose run is over: completed as Finalize would
 * when every one of its ZIPs was built, else failed with `message`. Returns
 * how this call ended it, or false when it had ended already (or someone
 * else ended it first).
 */
async function endUnfinishedJob(deps: WorkflowEndedDeps, job: Job, message: string): Promise<'completed' | 'failed' | false> {
  if (isTerminal(job.status)) return false;
  const zips = job.status === 'processing' ? await deps.store.listZips(job.id) : [];
  if (zips.length > 0 && zips.length === job.zip_count && zips.every((z) => z.status === 'completed')) {
    try {
      await finalize(deps, job.id);
      const after = await deps.store.getJob(job.id);
      return after?.status === 'completed' ? 'completed' : false;
    } catch (error) {
      // A job whose Finalize cannot run must still end: it fails like any other.
      log.error('finalizing a job whose run ended failed', { job_id: job.id, error });
    }
  }
  return (await failUnfinishedJob(deps, job, message, 'execution-ended')) ? 'failed' : false;
}
