import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionIds, resourcesOf, roleOfFunction, roleStatements, synthTemplate } from './synth';

let template: Template;
let ids: ReturnType<typeof functionIds>;
let schedulerRoleId: string;

beforeAll(() => {
  template = synthTemplate();
  ids = functionIds(template);
  const roles = Object.entries(resourcesOf(template, 'AWS::IAM::Role')).filter(([, role]) =>
    JSON.stringify(role.Properties.AssumeRolePolicyDocument).includes('scheduler.amazonaws.com'),
  );
  expect(roles).toHaveLength(1);
  schedulerRoleId = roles[0]![0];
});

/** The queue the Schedules API names as every schedule's dead-letter queue. */
const deadLetterQueueId = () => {
  const env = resourcesOf(template, 'AWS::Lambda::Function')[ids.Schedules]!.Properties.Environment.Variables;
  return env.SCHEDULER_DEAD_LETTER_ARN['Fn::GetAtt'][0] as string;
};

const groupId = () => Object.keys(resourcesOf(template, 'AWS::Scheduler::ScheduleGroup'))[0]!;

/** Every IAM policy statement in the template, with the roles it is attached to. */
const allStatements = () =>
  Object.values(resourcesOf(template, 'AWS::IAM::Policy')).flatMap((p) =>
    (p.Properties.PolicyDocument.Statement as any[]).map((s) => ({
      roles: (p.Properties.Roles as { Ref: string }[]).map((r) => r.Ref),
      actions: [s.Action].flat() as string[],
      resources: [s.Resource].flat(),
    })),
  );

describe('schedules (EventBridge Scheduler)', () => {
  it('has a schedule group of its own', () => {
    expect(Object.keys(resourcesOf(template, 'AWS::Scheduler::ScheduleGroup'))).toHaveLength(1);
  });

  it('lets the Scheduler role, assumed by scheduler.amazonaws.com for this account only, invoke RunSchedule and nothing else', () => {
    const role = resourcesOf(template, 'AWS::IAM::Role')[schedulerRoleId]!;
    const trust = role.Properties.AssumeRolePolicyDocument.Statement;
    expect(trust).toHaveLength(1);
    expect(trust[0].Principal).toEqual({ Service: 'scheduler.amazonaws.com' });
    expect(trust[0].Condition).toEqual({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } });
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const statements = roleStatements(template, schedulerRoleId);
    expect(statements).toEqual([
      { effect: 'Allow', actions: ['lambda:InvokeFunction'], resources: [`\${${ids.RunSchedule}.Arn}`] },
      // Firings it could not deliver go to the dead-letter queue, and nowhere else.
      { effect: 'Allow', actions: ['sqs:SendMessage'], resources: [`\${${deadLetterQueueId()}.Arn}`] },
    ]);
  });

  it('lets only the Schedules API function pass the Scheduler role, and manage only the group’s schedules', () => {
    const passers = allStatements().filter((s) => s.actions.some((a) => a === 'iam:PassRole' || a === 'iam:*' || a === '*'));
    expect(passers.flatMap((s) => s.roles)).toEqual([roleOfFunction(template, ids.Schedules)]);
    expect(passers.flatMap((s) => s.resources)).toEqual([{ 'Fn::GetAtt': [schedulerRoleId, 'Arn'] }]);

    const managers = allStatements().filter((s) => s.actions.some((a) => a.startsWith('scheduler:')));
    expect(managers.flatMap((s) => s.roles)).toEqual([roleOfFunction(template, ids.Schedules)]);
    expect(managers.flatMap((s) => s.actions).sort()).toEqual([
      'scheduler:CreateSchedule',
      'scheduler:DeleteSchedule',
      'scheduler:GetSchedule',
      'scheduler:UpdateSchedule',
    ]);
    const resource = JSON.stringify(managers[0]!.resources);
    expect(resource).toContain(':schedule/');
    expect(resource).toContain(`{"Ref":"${groupId()}"},"/*"`);
    expect(resource).not.toMatch(/"\*"/);
  });

  it('points the Schedules API at the group, the role and RunSchedule', () => {
    const env = resourcesOf(template, 'AWS::Lambda::Function')[ids.Schedules]!.Properties.Environment.Variables;
    expect(env.SCHEDULER_ROLE_ARN).toEqual({ 'Fn::GetAtt': [schedulerRoleId, 'Arn'] });
    expect(env.RUN_SCHEDULE_FUNCTION_ARN).toEqual({ 'Fn::GetAtt': [ids.RunSchedule, 'Arn'] });
    expect(env.SCHEDULE_GROUP_NAME).toEqual({ Ref: groupId() });
    expect(env.SCHEDULER_DEAD_LETTER_ARN).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
  });

  it("keeps firings Scheduler could not deliver in an encrypted, TLS-only queue with an alarm on its first message", () => {
    const id = deadLetterQueueId();
    const queue = resourcesOf(template, 'AWS::SQS::Queue')[id]!;
    expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    const alarm = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).find(
      (a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible' && JSON.stringify(a.Properties.Dimensions).includes(id),
    );
    expect(alarm).toMatchObject({ Properties: { Threshold: 1, AlarmActions: [expect.anything()] } });
    // SQS-managed encryption: Scheduler needs no KMS grant to send.
    expect(queue.Properties.KmsMasterKeyId).toBeUndefined();
  });
});
