import { Duration, Fn, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import {
  Chain,
  Choice,
  Condition,
  DefinitionBody,
  DistributedMap,
  Errors,
  Fail,
  JitterType,
  JsonPath,
  LogLevel,
  Map as MapState,
  S3JsonItemReader,
  StateMachine,
  StateMachineType,
  Succeed,
  type TaskStateBase,
  TaskInput,
  Timeout,
  Wait,
  WaitTime,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { HouseFunction } from './house-function';

export const workflowFunctionNames = ['Prepare', 'BuildZip', 'MarkZipFailed', 'Finalize', 'MarkFailed', 'Notify'] as const;
export type WorkflowFunctionName = (typeof workflowFunctionNames)[number];

/** Lambda faults worth retrying: the invocation never reached (or never left) the handler. */
export const TRANSIENT_LAMBDA_ERRORS = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException'];
/** The function is throttled (its reserved concurrency, or the account's, is in use): worth waiting for. */
export const THROTTLED_LAMBDA_ERRORS = ['Lambda.TooManyRequestsException'];

export interface WorkflowProps {
  /** Holds the bins list the Distributed Map reads its items from. */
  readonly bucket: IBucket;
  readonly functions: { readonly [N in WorkflowFunctionName]: HouseFunction<N> };
  /** Development stack: logs are destroyed with it. */
  readonly dev?: boolean;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** @default 40 */
  readonly maxConcurrentZips?: number;
  /** Segments of one ZIP built at once (at most 40: an inline Map). @default 16 */
  readonly maxSegments?: number;
}

/**
 * The ZIP workflow: Prepare (again until it is done) → BuildZips (Distributed
 * Map over the bins list in S3) → Finalize, with any job-level fault going to MarkFailed; both end in
 * Notify (the webhook, retried through WebhookBackoff). An input with
 * `notify_only` goes straight to Notify. State names are a contract: the
 * local runner overrides tasks (and waits, in tests) by name.
 */
export class Workflow extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);
    const fns = props.functions;
    const invoke = (name: WorkflowFunctionName, options: { payload?: TaskInput; resultPath?: string }, state: string = name) => {
      const fn = fns[name];
      const task = new LambdaInvoke(this, state, {
        lambdaFunction: fn.fn,
        // Omitted payload = the whole state, as the Lambda's event.
        payload: options.payload,
        payloadResponseOnly: true,
        resultPath: options.resultPath,
        // Our own retry below replaces CDK's default one, which has no jitter.
        retryOnServiceExceptions: false,
        // A little over the function's own limit, so a stuck invocation cannot hang the run.
        taskTimeout: Timeout.duration(fn.timeout.plus(Duration.seconds(60))),
      });
      // A throttled task waits for a slot (up to ~40 minutes, at most a minute
      // between tries) instead of failing its ZIP or job: with reserved
      // concurrency, many jobs' Maps queue here by design.
      task.addRetry({
        errors: THROTTLED_LAMBDA_ERRORS,
        interval: Duration.seconds(5),
        backoffRate: 2,
        maxDelay: Duration.seconds(60),
        maxAttempts: 45,
        jitterStrategy: JitterType.FULL,
      });
      return task.addRetry({
        errors: TRANSIENT_LAMBDA_ERRORS,
        interval: Duration.seconds(2),
        backoffRate: 2,
        maxAttempts: 6,
        jitterStrategy: JitterType.FULL,
      });
    };
    const jobId = JsonPath.stringAt('$.job_id');
    const caught = { errors: [Errors.ALL], resultPath: '$.error' };

    // Notify: one webhook attempt per call; between attempts the state machine
    // waits (hours of backoff cost no Lambda time). A delivery that fails, or a
    // Notify that crashes, never changes how the run ends: JobOutcome decides
    // that from whether MarkFailed ran.
    const jobOutcome = new Choice(this, 'JobOutcome')
      .when(
        Condition.isPresent('$.failed'),
        new Fail(this, 'JobFailed', { error: 'JobFailed', cause: 'The job failed; its record holds the error' }),
      )
      .otherwise(new Succeed(this, 'JobDone'));
    const notify = invoke('Notify', { payload: TaskInput.fromObject({ job_id: jobId }), resultPath: '$.notify' });
    notify.addCatch(jobOutcome, { errors: [Errors.ALL], resultPath: '$.notify_error' });
    const backoff = new Wait(this, 'WebhookBackoff', { time: WaitTime.secondsPath('$.notify.wait_seconds') });
    notify.next(new Choice(this, 'WebhookDone').when(Condition.booleanEquals('$.notify.done', true), jobOutcome).otherwise(backoff.next(notify)));

    const markFailed = invoke('MarkFailed', {
      payload: TaskInput.fromObject({ job_id: jobId, error: JsonPath.objectAt('$.error') }),
      resultPath: '$.failed',
    });
    markFailed.next(notify);

    // Prepare returns {done: false} when probing a split job outlasts its run
    // (the outcomes so far are saved in S3) and is called again.
    const prepare = invoke('Prepare', { payload: TaskInput.fromObject({ job_id: jobId }), resultPath: '$.prepared' });
    prepare.addCatch(markFailed, caught);

    // One child execution per bin. BuildZip returns {done: false} near its time
    // limit and is called again with its own output; a failure is recorded on
    // the ZIP inside the child, so one bad ZIP never fails the map.
    // The Succeed states output {} so that 10,000 children's results stay far
    // below the 256 KiB a state may carry (there is no ResultWriter).
    // A build that fails (after the transient retries: a storage fault past the SDK's own retries, a
    // crash) runs again from its checkpoint and its recorded upload; a bucket that refuses the ZIP for
    // good, or a file that cannot be fetched, ends the ZIP inside BuildZip and never reaches this retry.
    const retryFromCheckpoint = (task: TaskStateBase) =>
      task.addRetry({ errors: [Errors.ALL], interval: Duration.seconds(10), backoffRate: 2, maxAttempts: 2, jitterStrategy: JitterType.FULL });
    const buildZip = retryFromCheckpoint(invoke('BuildZip', {}));
    const markZipFailed = invoke('MarkZipFailed', {
      payload: TaskInput.fromObject({ job_id: jobId, zip: JsonPath.objectAt('$.zip'), error: JsonPath.objectAt('$.error') }),
    });
    markZipFailed.next(new Succeed(this, 'ZipFailed', { outputPath: JsonPath.DISCARD }));
    buildZip.addCatch(markZipFailed, caught);
    const zipBuilt = new Succeed(this, 'ZipBuilt', { outputPath: JsonPath.DISCARD });
    const zipDone = new Choice(this, 'ZipDone').when(Condition.booleanEquals('$.done', true), zipBuilt).otherwise(buildZip);

    // A large ZIP of stored entries of known sizes is built in segments at
    // once (BuildZip's `step`s, same function): PlanZip says which segments
    // (none: BuildZip builds it as one); each segment loops on its checkpoint
    // like BuildZip, a failed one is retried alone, then FinishSegments
    // completes the upload. The plan never has more segments than maxSegments
    // (≤ 40), so an inline Map runs them all at once.
    const zipRef = { job_id: jobId, zip: JsonPath.objectAt('$.zip') };
    const planZip = invoke('BuildZip', { payload: TaskInput.fromObject({ ...zipRef, step: 'plan' }), resultPath: '$.plan' }, 'PlanZip');
    planZip.addCatch(markZipFailed, caught);
    // A segment that failed runs again alone, from its checkpoint.
    const buildSegment = retryFromCheckpoint(invoke('BuildZip', {}, 'BuildSegment'));
    const segmentDone = new Choice(this, 'SegmentDone')
      .when(Condition.booleanEquals('$.done', true), new Succeed(this, 'SegmentBuilt', { outputPath: JsonPath.DISCARD }))
      .otherwise(buildSegment);
    const segments = new MapState(this, 'BuildSegments', {
      itemsPath: '$.plan.segments',
      itemSelector: { ...zipRef, step: 'segment', segment: JsonPath.numberAt('$$.Map.Item.Value') },
      maxConcurrency: props.maxSegments ?? 16,
      resultPath: JsonPath.DISCARD,
    });
    segments.itemProcessor(buildSegment.next(segmentDone));
    segments.addCatch(markZipFailed, caught);
    const finishSegments = invoke('BuildZip', { payload: TaskInput.fromObject({ ...zipRef, step: 'finish' }), resultPath: JsonPath.DISCARD }, 'FinishSegments');
    finishSegments.addCatch(markZipFailed, caught);
    const buildOneZip = planZip.next(
      new Choice(this, 'InSegments').when(Condition.isPresent('$.plan.segments[0]'), segments.next(finishSegments).next(zipBuilt)).otherwise(buildZip),
    );

    const buildZips = new DistributedMap(this, 'BuildZips', {
      itemReader: new S3JsonItemReader({ bucket: props.bucket, key: JsonPath.stringAt('$.prepared.bins_key') }),
      itemSelector: { job_id: jobId, zip: JsonPath.objectAt('$$.Map.Item.Value') },
      maxConcurrency: props.maxConcurrentZips ?? 40,
      // Children run for hours: Express would stop them after 5 minutes.
      mapExecutionType: StateMachineType.STANDARD,
      resultPath: JsonPath.DISCARD,
    });
    buildZip.next(zipDone);
    buildZips.itemProcessor(buildOneZip);
    buildZips.addCatch(markFailed, caught);

    const finalize = invoke('Finalize', { payload: TaskInput.fromObject({ job_id: jobId }), resultPath: '$.finalized' });
    finalize.addCatch(markFailed, caught);
    finalize.next(notify);

    const logs = new LogGroup(this, 'Logs', {
      // Under /aws/vendedlogs/: CloudWatch Logs' resource policy (5,120 characters for the
      // account) then needs no entry of its own for this log group. The stack id's
      // UUID makes the name new with each creation of the stack, so a stack deleted
      // and deployed again never meets the group the first one retained.
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-${Names.uniqueId(this).slice(-8)}-${Fn.select(2, Fn.split('/', Stack.of(this).stackId))}`,
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.dev ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      // JSONPath (the default), not JSONata: the local executor ignores JSONata.
      definitionBody: DefinitionBody.fromChainable(
        // {notify_only: true}: a webhook restarted after its run's execution ended early (WorkflowEnded).
        new Choice(this, 'Start')
          .when(Condition.isPresent('$.notify_only'), notify)
          .otherwise(
            Chain.start(prepare).next(new Choice(this, 'Prepared').when(Condition.booleanEquals('$.prepared.done', true), buildZips.next(finalize)).otherwise(prepare)),
          ),
      ),
      stateMachineType: StateMachineType.STANDARD,
      timeout: Duration.hours(24),
      tracingEnabled: true,
      // States carry ids and keys only (file lists live in S3), so full data logging is cheap and safe.
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: true },
    });
  }
}
