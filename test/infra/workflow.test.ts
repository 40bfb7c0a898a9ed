import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionSpecs } from '../../lib/functions';
import { flatten, functionIds, resourcesOf, synthTemplate } from './synth';

type State = Record<string, any>;
interface Definition {
  StartAt: string;
  TimeoutSeconds?: number;
  States: Record<string, State>;
}

let template: Template;
let machine: Record<string, any>;
let definition: Definition;
let processor: Definition;
let fnArn: (name: keyof typeof functionSpecs) => string;

beforeAll(() => {
  template = synthTemplate();
  const machines = Object.values(resourcesOf(template, 'AWS::StepFunctions::StateMachine'));
  expect(machines).toHaveLength(1);
  machine = machines[0]!.Properties;
  definition = JSON.parse(flatten(machine.DefinitionString));
  processor = definition.States.BuildZips!.ItemProcessor;
  const ids = functionIds(template);
  fnArn = (name) => `\${${ids[name]}.Arn}`;
});

const catchesTo = (target: string) => [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: target }];

describe('state machine', () => {
  it('is a Standard workflow with a 24 h timeout, full logging and tracing', () => {
    expect(machine.StateMachineType).toBe('STANDARD');
    expect(definition.TimeoutSeconds).toBe(24 * 3600);
    expect(machine.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: true });
    expect(machine.TracingConfiguration).toEqual({ Enabled: true });
    expect(JSON.stringify(definition)).not.toMatch(/JSONata/);
  });

  it('logs to a group under /aws/vendedlogs/states/ (no entry in the account\'s 5,120-character log resource policy)', () => {
    const groupArn = flatten(machine.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn);
    const groups = resourcesOf(template, 'AWS::Logs::LogGroup');
    const id = Object.keys(groups).find((k) => groupArn.includes(k))!;
    const name = flatten(groups[id]!.Properties.LogGroupName);
    expect(name).toMatch(/^\/aws\/vendedlogs\/states\/Zipjobs-\S+$/);
    // Unique to each creation of the stack (its id's UUID), as a retained group outlives a deleted stack.
    expect(name).toContain('{"Fn::Select":[2,{"Fn::Split":["/",{"Ref":"AWS::StackId"}]}]}');
  });

  it('has exactly the named states the local runner relies on', () => {
    expect(Object.keys(definition.States).sort()).toEqual(
      ['BuildZips', 'Finalize', 'JobDone', 'JobFailed', 'JobOutcome', 'MarkFailed', 'Notify', 'Prepare', 'Prepared', 'Start', 'WebhookBackoff', 'WebhookDone'].sort(),
    );
    expect(Object.keys(processor.States).sort()).toEqual(['BuildSegments', 'BuildZip', 'FinishSegments', 'InSegments', 'MarkZipFailed', 'PlanZip', 'ZipBuilt', 'ZipDone', 'ZipFailed']);
    expect(Object.keys(processor.States.BuildSegments!.ItemProcessor.States).sort()).toEqual(['BuildSegment', 'SegmentBuilt', 'SegmentDone']);
  });

  it('runs Prepare (again until done) → BuildZips → Finalize → Notify, and any job-level fault → MarkFailed → Notify → JobFailed', () => {
    const { Start, Prepare, Prepared, BuildZips, Finalize, MarkFailed, JobFailed } = definition.States as Record<string, State>;
    expect(definition.StartAt).toBe('Start');
    // A restarted webhook ({notify_only: true}) goes straight to Notify.
    expect(Start).toEqual({ Type: 'Choice', Choices: [{ Variable: '$.notify_only', IsPresent: true, Next: 'Notify' }], Default: 'Prepare' });
    expect(Prepare).toMatchObject({ Next: 'Prepared', ResultPath: '$.prepared', Parameters: { 'job_id.$': '$.job_id' } });
    expect(Prepare!.Catch).toEqual(catchesTo('MarkFailed'));
    expect(Prepared).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.prepared.done', BooleanEquals: true, Next: 'BuildZips' }],
      Default: 'Prepare',
    });
    expect(BuildZips).toMatchObject({ Next: 'Finalize', ResultPath: null });
    expect(BuildZips!.Catch).toEqual(catchesTo('MarkFailed'));
    expect(Finalize).toMatchObject({ Next: 'Notify', ResultPath: '$.finalized', Parameters: { 'job_id.$': '$.job_id' } });
    expect(Finalize!.Catch).toEqual(catchesTo('MarkFailed'));
    expect(MarkFailed).toMatchObject({ Next: 'Notify', ResultPath: '$.failed', Parameters: { 'job_id.$': '$.job_id', 'error.$': '$.error' } });
    expect(JobFailed!.Type).toBe('Fail');
  });

  it('maps the bins list in S3 with a Distributed Map', () => {
    const map = definition.States.BuildZips!;
    expect(map.Type).toBe('Map');
    expect(map.MaxConcurrency).toBe(40);
    expect(processor).toMatchObject({ StartAt: 'PlanZip', ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } });
    expect(map.ItemReader).toMatchObject({
      Resource: expect.stringMatching(/:states:::s3:getObject$/),
      ReaderConfig: { InputType: 'JSON' },
      Parameters: { Bucket: expect.stringMatching(/^\$\{Storage\w+\}$/), 'Key.$': '$.prepared.bins_key' },
    });
    expect(map.ItemSelector).toEqual({ 'job_id.$': '$.job_id', 'zip.$': '$$.Map.Item.Value' });
  });

  it('loops BuildZip until done, and records a failed ZIP without failing the map', () => {
    const { BuildZip, ZipDone, ZipBuilt, MarkZipFailed, ZipFailed } = processor.States as Record<string, State>;
    expect(BuildZip).toMatchObject({ Resource: fnArn('BuildZip'), Next: 'ZipDone' });
    expect(BuildZip!.Parameters).toBeUndefined(); // the whole state is the payload
    expect(BuildZip!.ResultPath).toBeUndefined(); // and the output replaces it
    expect(BuildZip!.Catch).toEqual(catchesTo('MarkZipFailed'));
    expect(ZipDone).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.done', BooleanEquals: true, Next: 'ZipBuilt' }],
      Default: 'BuildZip',
    });
    expect(MarkZipFailed).toMatchObject({
      Next: 'ZipFailed',
      Parameters: { 'job_id.$': '$.job_id', 'zip.$': '$.zip', 'error.$': '$.error' },
    });
    // Children output {} so the map's result array stays small.
    for (const done of [ZipBuilt, ZipFailed]) expect(done).toEqual({ Type: 'Succeed', OutputPath: null });
  });

  it('plans each ZIP: in segments (an inline Map, each segment looping on its checkpoint and retried alone, then FinishSegments) or BuildZip as one', () => {
    const { PlanZip, InSegments, BuildSegments, FinishSegments } = processor.States as Record<string, State>;
    expect(processor.StartAt).toBe('PlanZip');
    expect(PlanZip).toMatchObject({ Resource: fnArn('BuildZip'), Parameters: { 'job_id.$': '$.job_id', 'zip.$': '$.zip', step: 'plan' }, ResultPath: '$.plan', Next: 'InSegments' });
    expect(InSegments).toEqual({ Type: 'Choice', Choices: [{ Variable: '$.plan.segments[0]', IsPresent: true, Next: 'BuildSegments' }], Default: 'BuildZip' });
    expect(BuildSegments).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.plan.segments',
      ItemSelector: { 'job_id.$': '$.job_id', 'zip.$': '$.zip', step: 'segment', 'segment.$': '$$.Map.Item.Value' },
      MaxConcurrency: 16,
      ResultPath: null,
      Next: 'FinishSegments',
      Catch: catchesTo('MarkZipFailed'),
    });
    expect(BuildSegments!.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'INLINE' });
    const { BuildSegment, SegmentDone, SegmentBuilt } = BuildSegments!.ItemProcessor.States as Record<string, State>;
    expect(BuildSegment).toMatchObject({ Resource: fnArn('BuildZip'), Next: 'SegmentDone' });
    expect(BuildSegment!.Parameters).toBeUndefined();
    expect(SegmentDone).toEqual({ Type: 'Choice', Choices: [{ Variable: '$.done', BooleanEquals: true, Next: 'SegmentBuilt' }], Default: 'BuildSegment' });
    expect(SegmentBuilt).toEqual({ Type: 'Succeed', OutputPath: null });
    expect(FinishSegments).toMatchObject({ Resource: fnArn('BuildZip'), Parameters: { 'job_id.$': '$.job_id', 'zip.$': '$.zip', step: 'finish' }, ResultPath: null, Next: 'ZipBuilt', Catch: catchesTo('MarkZipFailed') });
  });

  it('invokes every task directly, with a timeout above its function’s and jittered retries', () => {
    const tasks: Record<string, State> = { ...definition.States, ...processor.States, ...processor.States.BuildSegments!.ItemProcessor.States };
    const functionOf = { PlanZip: 'BuildZip', BuildSegment: 'BuildZip', FinishSegments: 'BuildZip' } as Record<string, keyof typeof functionSpecs>;
    const names = ['Prepare', 'BuildZip', 'MarkZipFailed', 'Finalize', 'MarkFailed', 'Notify', 'PlanZip', 'BuildSegment', 'FinishSegments'] as const;
    expect(Object.entries(tasks).filter(([, s]) => s.Type === 'Task').map(([n]) => n).sort()).toEqual([...names].sort());
    for (const name of names) {
      const task = tasks[name]!;
      const fn = functionOf[name] ?? (name as keyof typeof functionSpecs);
      expect(task.Resource, name).toBe(fnArn(fn));
      expect(task.TimeoutSeconds, name).toBe(functionSpecs[fn].timeoutSeconds + 60);
      // BuildZip and BuildSegment are also run again from their checkpoint after any other failure.
      const fromCheckpoint = name === 'BuildZip' || name === 'BuildSegment';
      expect(task.Retry, name).toHaveLength(fromCheckpoint ? 3 : 2);
      if (fromCheckpoint) expect(task.Retry.at(-1), name).toEqual({ ErrorEquals: ['States.ALL'], IntervalSeconds: 10, MaxAttempts: 2, BackoffRate: 2, JitterStrategy: 'FULL' });
      expect(task.Retry.slice(0, 2), name).toEqual([
        // Throttled (reserved concurrency used up): wait for a slot, up to ~40 minutes, instead of failing.
        {
          ErrorEquals: ['Lambda.TooManyRequestsException'],
          IntervalSeconds: 5,
          MaxAttempts: 45,
          BackoffRate: 2,
          MaxDelaySeconds: 60,
          JitterStrategy: 'FULL',
        },
        {
          ErrorEquals: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException'],
          IntervalSeconds: 2,
          MaxAttempts: 6,
          BackoffRate: 2,
          JitterStrategy: 'FULL',
        },
      ]);
    }
  });

  it('notifies in a loop: Notify → WebhookDone → WebhookBackoff (computed wait) → Notify, never failing the run', () => {
    const { Notify, WebhookDone, WebhookBackoff, JobOutcome, JobDone } = definition.States as Record<string, State>;
    expect(Notify).toMatchObject({ Resource: fnArn('Notify'), ResultPath: '$.notify', Parameters: { 'job_id.$': '$.job_id' }, Next: 'WebhookDone' });
    // A Notify that crashes ends the run as the job did, not as a failure of its own.
    expect(Notify!.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.notify_error', Next: 'JobOutcome' }]);
    expect(WebhookDone).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.notify.done', BooleanEquals: true, Next: 'JobOutcome' }],
      Default: 'WebhookBackoff',
    });
    // The wait between attempts is the state machine's, computed by Notify (backoff with jitter): no Lambda sleeps.
    expect(WebhookBackoff).toEqual({ Type: 'Wait', SecondsPath: '$.notify.wait_seconds', Next: 'Notify' });
    expect(JobOutcome).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.failed', IsPresent: true, Next: 'JobFailed' }],
      Default: 'JobDone',
    });
    expect(JobDone).toEqual({ Type: 'Succeed' });
  });

  it('hands every execution that ends FAILED, TIMED_OUT or ABORTED to WorkflowEnded, which may invoke nothing else', () => {
    const [machineId] = Object.keys(resourcesOf(template, 'AWS::StepFunctions::StateMachine'));
    // The other rule is the sweeper's schedule (sweeper.test.ts).
    const rules = Object.values(resourcesOf(template, 'AWS::Events::Rule')).filter((r) => r.Properties.EventPattern !== undefined);
    expect(rules).toHaveLength(1);
    const rule = rules[0]!.Properties;
    // The default bus: where Step Functions reports its executions.
    expect(rule.EventBusName).toBeUndefined();
    expect(rule.EventPattern).toEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: { stateMachineArn: [{ Ref: machineId }], status: ['FAILED', 'TIMED_OUT', 'ABORTED'] },
    });
    expect(rule.Targets.map((t: { Arn: unknown }) => flatten(t.Arn))).toEqual([fnArn('WorkflowEnded')]);
    const invokers = Object.values(resourcesOf(template, 'AWS::Lambda::Permission')).filter((p) => p.Properties.Principal === 'events.amazonaws.com');
    // EventBridge may invoke WorkflowEnded, and the sweeper on its schedule.
    expect(invokers.map((p) => flatten(p.Properties.FunctionName)).sort()).toEqual([fnArn('SweepJobs'), fnArn('WorkflowEnded')].sort());
  });
});
