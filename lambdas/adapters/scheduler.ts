import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  UpdateScheduleCommand,
  type CreateScheduleCommandInput,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { schedulerName, type Schedule } from '../core/schedules/model';

/** The EventBridge Scheduler side of a schedule: when to fire RunSchedule. */
export interface ScheduleTrigger {
  /** Creates or replaces the trigger so that it matches the schedule. */
  put(schedule: Schedule): Promise<void>;
  /** Removes the trigger; a trigger already gone is fine. */
  delete(scheduleId: string): Promise<void>;
}

export interface SchedulerTarget {
  readonly groupName: string;
  /** The RunSchedule function. */
  readonly functionArn: string;
  /** The role Scheduler assumes to invoke it. */
  readonly roleArn: string;
  /** The SQS queue a firing goes to once Scheduler gives up invoking RunSchedule. */
  readonly deadLetterArn: string;
}

/**
 * Scheduler's retries of a firing RunSchedule could not take (throttled,
 * unavailable), stated rather than left to the defaults: as many attempts as
 * it allows over a day, then the dead-letter queue (with an alarm).
 */
export const TARGET_RETRY_POLICY = { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 } as const;

/** EventBridge Scheduler's context attribute, replaced in Input at each firing. */
export const SCHEDULED_TIME = '<aws.scheduler.scheduled-time>';

const isNotFound = (error: unknown) => (error as { name?: string } | null)?.name === 'ResourceNotFoundException';

export function eventBridgeScheduleTrigger(client: SchedulerClient, target: SchedulerTarget): ScheduleTrigger {
  const input = (schedule: Schedule): CreateScheduleCommandInput => ({
    Name: schedulerName(schedule.id),
    GroupName: target.groupName,
    ScheduleExpression: schedule.schedule_expression,
    ScheduleExpressionTimezone: schedule.timezone,
    State: schedule.enabled ? 'ENABLED' : 'DISABLED',
    FlexibleTimeWindow: { Mode: 'OFF' },
    // A one-time schedule removes itself after its run; the record (and its runs) stays.
    ActionAfterCompletion: schedule.schedule_expression.trim().startsWith('at(') ? 'DELETE' : 'NONE',
    Target: {
      Arn: target.functionArn,
      RoleArn: target.roleArn,
      // The firing's time, filled in by Scheduler: RunSchedule makes its Idempotency-Key of it.
      Input: JSON.stringify({ schedule_id: schedule.id, scheduled_time: SCHEDULED_TIME }),
      RetryPolicy: TARGET_RETRY_POLICY,
      DeadLetterConfig: { Arn: target.deadLetterArn },
    },
  });
  return {
    async put(schedule) {
      try {
        await client.send(new UpdateScheduleCommand(input(schedule)));
      } catch (error) {
        // New, or an at() schedule that already ran and deleted itself.
        if (!isNotFound(error)) throw error;
        await client.send(new CreateScheduleCommand(input(schedule)));
      }
    },
    async delete(scheduleId) {
      try {
        await client.send(new DeleteScheduleCommand({ Name: schedulerName(scheduleId), GroupName: target.groupName }));
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    },
  };
}
