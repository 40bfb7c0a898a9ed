/**
 * The EventBridge Scheduler side of a schedule: every trigger it creates or
 * updates retries a failed invocation of RunSchedule explicitly and then
 * keeps the firing in the stack's dead-letter queue, never dropping it.
 */
import { CreateScheduleCommand, DeleteScheduleCommand, ResourceNotFoundException, SchedulerClient, UpdateScheduleCommand } from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { eventBridgeScheduleTrigger, SCHEDULED_TIME } from '../../lambdas/adapters/scheduler';
import type { Schedule } from '../../lambdas/core/schedules/model';

const scheduler = mockClient(SchedulerClient);
const target = {
  groupName: 'zipjobs-group',
  functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:RunSchedule',
  roleArn: 'arn:aws:iam::123456789012:role/scheduler',
  deadLetterArn: 'arn:aws:sqs:us-east-1:123456789012:schedule-failures',
};
const schedule = (expression: string) =>
  ({ id: 'sch_1', schedule_expression: expression, timezone: 'Europe/Berlin', enabled: true }) as unknown as Schedule;
const notFound = () => new ResourceNotFoundException({ message: 'no such schedule', Message: 'no such schedule', $metadata: {} });

beforeEach(() => scheduler.reset());

describe('eventBridgeScheduleTrigger', () => {
  it('updates a trigger with an explicit retry policy and the dead-letter queue', async () => {
    scheduler.on(UpdateScheduleCommand).resolves({});
    await eventBridgeScheduleTrigger(new SchedulerClient({}), target).put(schedule('rate(1 hour)'));
    expect(scheduler.commandCalls(UpdateScheduleCommand)[0]!.args[0].input).toMatchObject({
      Name: 'zipjobs-sch_1',
      GroupName: 'zipjobs-group',
      ActionAfterCompletion: 'NONE',
      Target: {
        Arn: target.functionArn,
        RoleArn: target.roleArn,
        Input: JSON.stringify({ schedule_id: 'sch_1', scheduled_time: SCHEDULED_TIME }),
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
        DeadLetterConfig: { Arn: target.deadLetterArn },
      },
    });
    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(0);
  });

  it('creates a missing trigger (a new schedule, or an at() that removed itself) with the same target settings', async () => {
    scheduler.on(UpdateScheduleCommand).rejects(notFound());
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:x' });
    await eventBridgeScheduleTrigger(new SchedulerClient({}), target).put(schedule('at(2026-12-24T18:00:00)'));
    const created = scheduler.commandCalls(CreateScheduleCommand)[0]!.args[0].input;
    expect(created.ActionAfterCompletion).toBe('DELETE');
    expect(created.Target).toMatchObject({
      RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
      DeadLetterConfig: { Arn: target.deadLetterArn },
    });
  });

  it('deletes a trigger, a missing one included, and passes other errors on', async () => {
    scheduler.on(DeleteScheduleCommand).rejectsOnce(notFound()).rejectsOnce(new Error('throttled'));
    const trigger = eventBridgeScheduleTrigger(new SchedulerClient({}), target);
    await trigger.delete('sch_1');
    await expect(trigger.delete('sch_1')).rejects.toThrow('throttled');
    expect(scheduler.commandCalls(DeleteScheduleCommand)[0]!.args[0].input).toEqual({ Name: 'zipjobs-sch_1', GroupName: 'zipjobs-group' });
  });
});
