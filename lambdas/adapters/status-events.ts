import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { JOB_EVENT_SOURCE, JOB_STATUS_CHANGED, jobStatusChangedDetail } from '../core/events';
import type { Job, JobStatus } from '../core/jobs/model';
import { log } from './log';

/** Told of every job status change (creation: previous status null). Never throws. */
export type StatusChangeListener = (job: Job, previousStatus: JobStatus | null) => Promise<void>;

/**
 * Puts "Job Status Changed" on the stack's bus. Best-effort: the status is
 * already stored, so a failed put is logged and the change goes on.
 */
export function eventBridgeStatusPublisher(client: EventBridgeClient, busName: string): StatusChangeListener {
  return async (job, previousStatus) => {
    const detail = jobStatusChangedDetail(job, previousStatus);
    try {
      const out = await client.send(
        new PutEventsCommand({
          Entries: [{ EventBusName: busName, Source: JOB_EVENT_SOURCE, DetailType: JOB_STATUS_CHANGED, Detail: JSON.stringify(detail) }],
        }),
      );
      if (out.FailedEntryCount) {
        const entry = out.Entries?.[0];
        log.warn('status event not accepted', { ...detail, error_code: entry?.ErrorCode, error: entry?.ErrorMessage });
      }
    } catch (error) {
      log.warn('status event not published', { ...detail, error });
    }
  };
}
