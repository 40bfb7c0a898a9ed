import { describe, expect, it } from 'vitest';
import { flatten, functionIds, resourcesOf, roleOfFunction, roleStatements, synthTemplate } from './synth';

const template = synthTemplate();
const ids = functionIds(template);
const stateMachineId = Object.keys(resourcesOf(template, 'AWS::StepFunctions::StateMachine'))[0]!;
const queues = resourcesOf(template, 'AWS::SQS::Queue');
const queueOf = (arn: unknown) => Object.keys(queues).find((q) => flatten(arn).includes(`\${${q}.Arn}`));

describe('the sweeper of unfinished jobs', () => {
  it('runs every 15 minutes, retried only until the next run, then kept in a queue with an alarm', () => {
    const rules = Object.values(resourcesOf(template, 'AWS::Events::Rule')).filter((r) => r.Properties.ScheduleExpression !== undefined);
    expect(rules).toHaveLength(1);
    expect(rules[0]!.Properties.ScheduleExpression).toBe('rate(15 minutes)');
    expect(rules[0]!.Properties.State).toBe('ENABLED');
    const target = rules[0]!.Properties.Targets[0];
    expect(flatten(target.Arn)).toBe(`\${${ids.SweepJobs}.Arn}`);
    expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 900 });
    const queue = queueOf(target.DeadLetterConfig.Arn);
    expect(queue).toBeDefined();
    // Lambda's own retries of a failed run end in the same queue.
    const configs = Object.values(resourcesOf(template, 'AWS::Lambda::EventInvokeConfig')).filter((c) => flatten(c.Properties.FunctionName).includes(ids.SweepJobs));
    expect(configs).toHaveLength(1);
    expect(configs[0]!.Properties).toMatchObject({ MaximumRetryAttempts: 2 });
    expect(queueOf(configs[0]!.Properties.DestinationConfig.OnFailure.Destination)).toBe(queue);
    const alarm = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).find(
      (a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible' && JSON.stringify(a.Properties.Dimensions).includes(queue!),
    );
    expect(alarm).toMatchObject({ Properties: { Threshold: 1, AlarmActions: [expect.anything()] } });
  });

  it("may describe the state machine's executions (no other resource), start a notification and publish status changes", () => {
    const statements = roleStatements(template, roleOfFunction(template, ids.SweepJobs));
    const states = statements.filter((s) => s.actions.some((a) => a.startsWith('states:')));
    expect(states.flatMap((s) => s.actions).sort()).toEqual(['states:DescribeExecution', 'states:StartExecution']);
    const describe = states.find((s) => s.actions.includes('states:DescribeExecution'))!;
    expect(describe.actions).toEqual(['states:DescribeExecution']);
    // arn:…:execution:<state machine name>:* — executions of this state machine only.
    expect(describe.resources).toHaveLength(1);
    expect(describe.resources[0]).toMatch(/:execution:/);
    // The state machine's name, cut from its ARN.
    expect(describe.resources[0]).toContain(`{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${stateMachineId}"}]}]}`);
    expect(describe.resources[0]).toMatch(/:\*$/);
    const start = states.find((s) => s.actions.includes('states:StartExecution'))!;
    expect(start.resources).toEqual([`\${${stateMachineId}}`]);
    expect(statements.some((s) => s.actions.includes('events:PutEvents'))).toBe(true);
    // No object in the bucket: ending a job touches only the table.
    expect(statements.some((s) => s.actions.some((a) => a.startsWith('s3:')))).toBe(false);
  });

  it('knows the state machine and the grace period', () => {
    const env = resourcesOf(template, 'AWS::Lambda::Function')[ids.SweepJobs]!.Properties.Environment.Variables;
    expect(env.STATE_MACHINE_ARN).toEqual({ Ref: stateMachineId });
    expect(env.SWEEP_GRACE_SECONDS).toBe('300');
    const custom = synthTemplate({ sweepGraceSeconds: 900 });
    const customEnv = resourcesOf(custom, 'AWS::Lambda::Function')[functionIds(custom).SweepJobs]!.Properties.Environment.Variables;
    expect(customEnv.SWEEP_GRACE_SECONDS).toBe('900');
    expect(() => synthTemplate({ sweepGraceSeconds: 1.5 })).toThrow(/sweepGraceSeconds/);
  });
});
