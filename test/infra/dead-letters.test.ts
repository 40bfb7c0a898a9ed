import { describe, expect, it } from 'vitest';
import { flatten, functionIds, resourcesOf, synthTemplate } from './synth';

const template = synthTemplate();
const ids = functionIds(template);
const queues = resourcesOf(template, 'AWS::SQS::Queue');
const queueArn = (destination: unknown) => {
  const arn = flatten(destination);
  const id = Object.keys(queues).find((q) => arn.includes(`\${${q}.Arn}`));
  expect(id, arn).toBeDefined();
  return id!;
};

describe('asynchronous invocations never drop an event unseen', () => {
  it.each(['WorkflowEnded', 'RunSchedule'] as const)('%s: explicit retries, then an on-failure queue', (name) => {
    const configs = Object.values(resourcesOf(template, 'AWS::Lambda::EventInvokeConfig')).filter((c) => flatten(c.Properties.FunctionName).includes(ids[name]!));
    expect(configs).toHaveLength(1);
    const props = configs[0]!.Properties;
    expect(props).toMatchObject({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 6 * 3600 });
    queueArn(props.DestinationConfig.OnFailure.Destination);
  });

  it('WorkflowEnded: EventBridge retries delivery for 24 hours, then keeps the event in a queue', () => {
    const rules = Object.values(resourcesOf(template, 'AWS::Events::Rule')).filter((r) => JSON.stringify(r.Properties.EventPattern ?? {}).includes('aws.states'));
    expect(rules).toHaveLength(1);
    const target = rules[0]!.Properties.Targets[0];
    expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 });
    queueArn(target.DeadLetterConfig.Arn);
  });

  it("ExpireJobs' stream mapping sends batches it gave up on to a queue", () => {
    const mappings = Object.values(resourcesOf(template, 'AWS::Lambda::EventSourceMapping')).filter((m) => flatten(m.Properties.FunctionName).includes(ids.ExpireJobs!));
    expect(mappings).toHaveLength(1);
    expect(mappings[0]!.Properties.MaximumRetryAttempts).toBe(10);
    queueArn(mappings[0]!.Properties.DestinationConfig.OnFailure.Destination);
  });

  it('every queue is encrypted, refuses plain HTTP, and has an alarm on its first message', () => {
    expect(Object.keys(queues).length).toBeGreaterThanOrEqual(3);
    const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm'));
    const policies = Object.values(resourcesOf(template, 'AWS::SQS::QueuePolicy'));
    for (const [id, queue] of Object.entries(queues)) {
      expect(queue.Properties.SqsManagedSseEnabled, id).toBe(true);
      const alarm = alarms.find((a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible' && JSON.stringify(a.Properties.Dimensions).includes(id));
      expect(alarm, id).toMatchObject({ Properties: { Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' } });
      const tls = policies.filter((p) => JSON.stringify(p.Properties.Queues).includes(id)).flatMap((p) => p.Properties.PolicyDocument.Statement);
      expect(tls.some((s: any) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false'), id).toBe(true);
    }
  });
});
