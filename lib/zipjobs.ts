import { Duration, Lazy, Stack } from 'aws-cdk-lib';
import type { DomainName, RestApi } from 'aws-cdk-lib/aws-apigateway';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule as EventSchedule, type IEventBus, type IRuleTarget } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { Grant, IGrantable, IRole } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Dashboard } from 'aws-cdk-lib/aws-cloudwatch';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { grantLeastPrivilege } from './constructs/access';
import { Api, API_STAGE } from './constructs/api';
import type { FirewallOptions } from './constructs/firewall';
import { Events } from './constructs/events';
import { Monitoring, type AlarmThresholds } from './constructs/monitoring';
import { FailureQueue } from './constructs/failure-queue';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { addNagSuppressions } from './constructs/nag';
import { HouseFunction, telemetryEnvironment, type FunctionEnvironment, type TelemetrySettings } from './constructs/house-function';
import { Schedules } from './constructs/schedules';
import { Secrets } from './constructs/secrets';
import { objectsUnder, Storage } from './constructs/storage';
import { TenantBuckets } from './constructs/tenant-buckets';
import { Workflow } from './constructs/workflow';
import { plansSchema, type Plan } from '../lambdas/core/plans';
import { JOB_STATUSES, type JobStatus } from '../lambdas/core/jobs/model';
import { checkCustomDomains } from './custom-domains';
import { apiRoutes, functionSpecs, type FunctionName } from './functions';
import { sourceLimitsEnv, type SourceLimits } from './source-limits';
import { DEFAULT_MAX_SEGMENTS, segmentsEnv, type SegmentSettings } from './segments';

export interface ZipJobsProps {
  /** Development deployment: data, secrets and logs are destroyed with the stack. @default false (retained, deletion-protected) */
  readonly dev?: boolean;
  /** S3's safety-net expiry for the service's objects, in days. @default 31 */
  readonly expireObjectsAfterDays?: number;
  /** API stage throttling, requests per second. @default 50 */
  readonly throttlingRateLimit?: number;
  /** API stage burst. @default 100 */
  readonly throttlingBurstLimit?: number;
  /** Retention of every log group. @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** Base URL for download links. @default `https://<first of domains>`, else the URL each request was made to */
  readonly publicBaseUrl?: string;
  /**
   * Custom domain names for the API (e.g. `zip.example.com`): each becomes a
   * REGIONAL API Gateway domain (TLS 1.2) mapped at its root to the stage, and
   * ZipBall answers list them. Needs `certificateArn`. @default none
   */
  readonly domains?: readonly string[];
  /** An ACM certificate in the stack's region covering every one of `domains`. */
  readonly certificateArn?: string;
  /**
   * An AWS WAF web ACL on the API stage: Amazon's IP reputation list, bodies
   * announced over 6 MB refused (413), a rate per client IP (429), AWS's
   * known-bad-inputs rules. `true` for the defaults (1,000 requests per 5
   * minutes per IP). @default false (no web ACL)
   */
  readonly waf?: boolean | FirewallOptions;
  /** Plans API keys may name (see lambdas/core/plans.ts). @default the standard plan only */
  readonly plans?: readonly Plan[];
  /** Limits on slow sources (BuildZip, stream downloads); see lambdas/env.ts for each default. */
  readonly sourceLimits?: SourceLimits;
  /** When and how a large ZIP of stored entries is built in segments at once (see SegmentSettings). */
  readonly segments?: SegmentSettings;
  /**
   * Reserved concurrency of the workflow's heavy functions, so that many jobs
   * cannot take the account's every instance from the API (a throttled
   * BuildZip or Prepare waits for a slot). 0: no reservation.
   * @default { buildZip: 100, prepare: 10 }
   */
  readonly reservedConcurrency?: { readonly buildZip?: number; readonly prepare?: number };
  /**
   * The sweeper (every 15 minutes) ends unfinished jobs whose workflow
   * execution no longer runs, once their run is this old: a run just started
   * may not show its execution yet.
   * @default 300
   */
  readonly sweepGraceSeconds?: number;
  /**
   * Requests one download link (a token or a ZipBall's id) may start a
   * minute; more are answered 429 with Retry-After until the minute turns.
   * Leave room for download managers, which fetch one ZIP as many parallel
   * Range requests. 0: no limit.
   * @default 120
   */
  readonly downloadRequestsPerMinute?: number;
  /** Subscribed by e-mail to the alarm topic (the address must confirm). @default no subscription */
  readonly alarmEmail?: string;
  /** Alarm thresholds, per 5-minute period (see docs/RUNBOOK.md). @default DEFAULT_ALARM_THRESHOLDS */
  readonly alarms?: AlarmThresholds;
  /** Logs and metrics: service name, metrics namespace, debug-log sampling. @default zipjobs, zipjobs, 0 */
  readonly telemetry?: TelemetrySettings;
}

/** An asynchronously invoked function's retries, explicit: two more attempts within 6 hours, then `failures`. */
function asyncRetries(fn: HouseFunction, failures: IQueue): void {
  fn.fn.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6), onFailure: new SqsDestination(failures) });
}

/** A setting in whole seconds. */
function wholeSeconds(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number of seconds (got ${value})`);
  return value;
}

/** A count setting: a whole number, 0 or more. */
function wholeNumber(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number (got ${value})`);
  return value;
}

/** A reserved concurrency setting: a whole number, 0 for none. */
function reservation(name: string, value: number): number | undefined {
  if (!Number.isInteger(value) || value < 0) throw new Error(`reservedConcurrency.${name} must be a whole number (got ${value})`);
  return value === 0 ? undefined : value;
}

/**
 * The whole zipjobs service as one construct: the REST API (with the
 * dashboard and the OpenAPI document), the table, the bucket, the workflow,
 * schedules, webhooks, tenant buckets, the status-event bus, alarms and a
 * CloudWatch dashboard. Embed it in
 * any stack: `new ZipJobs(this, 'Zips', { plans })`.
 */
export class ZipJobs extends Construct {
  /** The REST API (stage `v1`); `url` is its base URL. */
  readonly api: RestApi;
  /** Jobs, ZIP records, API keys, schedules, settings. */
  readonly table: ITable;
  /** Manifests, bins, checkpoints and the ZIPs (under `zips/`). */
  readonly bucket: IBucket;
  /** The ZIP workflow. */
  readonly stateMachine: IStateMachine;
  /** Every job status change is put here (`source: zipjobs`, `detail-type: Job Status Changed`). */
  readonly eventBus: IEventBus;
  /** The role zipjobs writes tenants' own S3 buckets with: grant it in their bucket policies. */
  readonly tenantBucketRole: IRole;
  /** Each Lambda function, by its name in lib/functions.ts. */
  readonly functions: { readonly [N in FunctionName]: HouseFunction<N> };
  /** Every alarm's action publishes here: subscribe whoever must hear of them. */
  readonly alarmTopic: ITopic;
  /** The CloudWatch dashboard: executions, workflow functions, API. */
  readonly dashboard: Dashboard;
  /** The API's custom domains, in the order of `domains`: DNS for each name points at its `domainNameAliasDomainName`. */
  readonly domainNames: readonly DomainName[];

  constructor(scope: Construct, id: string, props: ZipJobsProps = {}) {
    super(scope, id);
    // cdk-nag (AwsSolutions) suppressions, each justified, applied to the finished tree at synthesis.
    addNagSuppressions(Stack.of(this));
    const { dev = false, logRetention } = props;
    const domains = checkCustomDomains(props.domains, props.certificateArn, Stack.of(this).region);
    // Links name the first custom domain unless a base URL is given; on a
    // domain the API is mapped at the root, so links carry no stage prefix.
    const publicBaseUrl = props.publicBaseUrl ?? (domains && `https://${domains.names[0]}`);
    const { table, bucket } = new Storage(this, 'Storage', { dev, expireObjectsAfterDays: props.expireObjectsAfterDays });
    const { tokenSecret } = new Secrets(this, 'Secrets', { dev });
    const { bus } = new Events(this, 'Events');

    // Deploy-time settings go to every function whose spec reads them: the
    // plans (every keyed API function enforces them), the slow-source limits.
    const reserved: Partial<Record<FunctionName, number | undefined>> = {
      BuildZip: reservation('buildZip', props.reservedConcurrency?.buildZip ?? 100),
      Prepare: reservation('prepare', props.reservedConcurrency?.prepare ?? 10),
    };
    const settings: Record<string, string> = {
      ...(props.plans && { PLANS: JSON.stringify(plansSchema.parse(props.plans)) }),
      ...sourceLimitsEnv(props.sourceLimits),
      ...segmentsEnv(props.segments, reserved.BuildZip),
      ...(props.downloadRequestsPerMinute !== undefined && {
        DOWNLOAD_REQUESTS_PER_MINUTE: String(wholeNumber('downloadRequestsPerMinute', props.downloadRequestsPerMinute)),
      }),
    };
    const telemetry = telemetryEnvironment(props.telemetry);
    const house = <N extends FunctionName>(name: N, environment: FunctionEnvironment<N>) => {
      const listed = functionSpecs[name].env as readonly string[];
      const read = Object.fromEntries(Object.entries(settings).filter(([key]) => listed.includes(key)));
      return new HouseFunction(this, name, { name, environment: { ...read, ...environment }, dev, logRetention, reservedConcurrency: reserved[name], telemetry });
    };
    const data = { TABLE_NAME: table.tableName, BUCKET_NAME: bucket.bucketName };
    // Tenants' buckets: the role exists once the functions that assume it do.
    let tenantBuckets: TenantBuckets | undefined;
    const tenantAccess = {
      BUCKET_SECRET_PREFIX: TenantBuckets.secretPrefix,
      TENANT_BUCKET_ROLE_ARN: Lazy.string({ produce: () => tenantBuckets!.role.roleArn }),
    };
    // A deployed fetcher never reaches private addresses; only the local stack may.
    const fetcher = { ...data, ALLOW_PRIVATE_ADDRESSES: 'false' } as const;
    // Functions that change a job's status publish it.
    const publishes = { EVENT_BUS_NAME: bus.eventBusName };
    const signing = { ...data, TOKEN_SECRET_ARN: tokenSecret.secretArn };
    // Webhook bodies carry download links: the custom domain, else the stage URL
    // (built from the API's id, since the stage itself depends on the workflow).
    let stageUrl: string | undefined;
    const apiBaseUrl = publicBaseUrl ?? Lazy.string({ produce: () => stageUrl });

    const workflowFunctions = {
      Prepare: house('Prepare', { ...fetcher, ...publishes, ...tenantAccess }),
      BuildZip: house('BuildZip', { ...fetcher, ...tenantAccess }),
      MarkZipFailed: house('MarkZipFailed', { ...data, ALLOW_PRIVATE_ADDRESSES: 'false', ...tenantAccess }),
      Finalize: house('Finalize', { ...data, ...publishes }),
      MarkFailed: house('MarkFailed', { ...data, ...publishes }),
      Notify: house('Notify', { ...signing, API_BASE_URL: apiBaseUrl, ALLOW_PRIVATE_ADDRESSES: 'false' }),
    };
    const { stateMachine } = new Workflow(this, 'Workflow', { bucket, functions: workflowFunctions, dev, logRetention, maxSegments: props.segments?.maxSegments ?? DEFAULT_MAX_SEGMENTS });
    // Scheduled archives: each run is a normal job creation, so RunSchedule gets CreateJob's environment.
    const runSchedule = house('RunSchedule', { ...data, STATE_MACHINE_ARN: stateMachine.stateMachineArn, ALLOW_PRIVATE_ADDRESSES: 'false', ...publishes });
    const failureQueue = (id: string, holds: string) => {
      const failures = new FailureQueue(this, id, { holds, dev });
      failureAlarms.push(failures.alarm);
      return failures.queue;
    };
    const failureAlarms: Alarm[] = [];
    const schedules = new Schedules(this, 'Scheduling', {
      runSchedule,
      table,
      stateMachine,
      bus,
      // Each schedule's target retries for up to a day (adapters/scheduler.ts), then lands here.
      deadLetters: failureQueue('SchedulerFailures', 'schedule firings EventBridge Scheduler could not deliver to RunSchedule'),
    });
    // An execution that ends without success (a runtime error no Catch takes, the
    // time limit, a stop) still ends its job and sends its webhook.
    const workflowEndedFailures = failureQueue('WorkflowEndedFailures', 'workflow endings WorkflowEnded gave up on (their jobs may be left unfinished)');
    const workflowEnded = house('WorkflowEnded', { ...data, ...publishes, STATE_MACHINE_ARN: stateMachine.stateMachineArn });
    new Rule(this, 'WorkflowEndedRule', {
      description: 'zipjobs: workflow executions that end FAILED, TIMED_OUT or ABORTED',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { stateMachineArn: [stateMachine.stateMachineArn], status: ['FAILED', 'TIMED_OUT', 'ABORTED'] },
      },
      // EventBridge retries delivering the event for up to 24 h (185 attempts);
      // Lambda then retries a failing invocation twice. Either way, what is
      // given up on lands in a queue with an alarm.
      targets: [new LambdaFunction(workflowEnded.fn, { retryAttempts: 185, maxEventAge: Duration.hours(24), deadLetterQueue: workflowEndedFailures })],
    });
    asyncRetries(workflowEnded, workflowEndedFailures);
    asyncRetries(runSchedule, failureQueue('RunScheduleFailures', 'schedule firings RunSchedule gave up on'));
    // The safety net under the rule: every 15 minutes, unfinished jobs whose execution no longer
    // runs (its end event lost, or never started) are ended as WorkflowEnded would.
    const sweepFailures = failureQueue('SweepJobsFailures', 'sweeps for unfinished jobs that failed (the next sweep tries again)');
    const sweepJobs = house('SweepJobs', {
      ...data,
      ...publishes,
      STATE_MACHINE_ARN: stateMachine.stateMachineArn,
      SWEEP_GRACE_SECONDS: String(wholeSeconds('sweepGraceSeconds', props.sweepGraceSeconds ?? 300)),
    });
    new Rule(this, 'SweepJobsSchedule', {
      description: 'zipjobs: end unfinished jobs whose workflow execution is no longer running',
      schedule: EventSchedule.rate(Duration.minutes(15)),
      // A missed sweep is worth retrying only until the next one.
      targets: [new LambdaFunction(sweepJobs.fn, { retryAttempts: 3, maxEventAge: Duration.minutes(15), deadLetterQueue: sweepFailures })],
    });
    asyncRetries(sweepJobs, sweepFailures);

    // Typed as the full registry: a spec without a function is a compile error.
    const functions: { readonly [N in FunctionName]: HouseFunction<N> } = {
      ...workflowFunctions,
      CreateJob: house('CreateJob', {
        ...data,
        STATE_MACHINE_ARN: stateMachine.stateMachineArn,
        ALLOW_PRIVATE_ADDRESSES: 'false',
        ...publishes,
        // ZipBall links: the public base URL when one is set, else the request's.
        ...(publicBaseUrl && { PUBLIC_BASE_URL: publicBaseUrl }),
        ...(domains && { CUSTOM_DOMAINS: domains.names.join(',') }),
      }),
      CreateUpload: house('CreateUpload', { TABLE_NAME: table.tableName, BUCKET_NAME: bucket.bucketName }),
      GetJob: house('GetJob', publicBaseUrl ? { ...signing, PUBLIC_BASE_URL: publicBaseUrl } : signing),
      ListJobs: house('ListJobs', { TABLE_NAME: table.tableName, TOKEN_SECRET_ARN: tokenSecret.secretArn }),
      RetryJob: house('RetryJob', { TABLE_NAME: table.tableName, STATE_MACHINE_ARN: stateMachine.stateMachineArn, ...publishes }),
      Download: house('Download', { ...signing, ALLOW_PRIVATE_ADDRESSES: 'false', ...tenantAccess }),
      Health: house('Health', {}),
      // Public pages (the OpenAPI document, the dashboard): no data, no grants.
      Site: house('Site', publicBaseUrl ? { PUBLIC_BASE_URL: publicBaseUrl } : {}),
      ExpireJobs: house('ExpireJobs', { TABLE_NAME: table.tableName, BUCKET_NAME: bucket.bucketName }),
      WebhookSettings: house('WebhookSettings', { TABLE_NAME: table.tableName, ALLOW_PRIVATE_ADDRESSES: 'false' }),
      BucketSettings: house('BucketSettings', { TABLE_NAME: table.tableName, ALLOW_PRIVATE_ADDRESSES: 'false', ...tenantAccess }),
      Objects: house('Objects', { TABLE_NAME: table.tableName, ALLOW_PRIVATE_ADDRESSES: 'false', ...tenantAccess }),
      RunSchedule: runSchedule,
      WorkflowEnded: workflowEnded,
      SweepJobs: sweepJobs,
      Schedules: house('Schedules', {
        TABLE_NAME: table.tableName,
        SCHEDULE_GROUP_NAME: schedules.groupName,
        SCHEDULER_ROLE_ARN: schedules.schedulerRole.roleArn,
        SCHEDULER_DEAD_LETTER_ARN: schedules.deadLetterArn,
        RUN_SCHEDULE_FUNCTION_ARN: runSchedule.fn.functionArn,
      }),
    };
    grantLeastPrivilege({ functions, table, bucket, tokenSecret, stateMachine, bus });
    schedules.grantManage(functions.Schedules, table);
    tenantBuckets = new TenantBuckets(this, 'TenantBuckets', { users: [functions.Prepare, functions.BuildZip, functions.Download, functions.MarkZipFailed, functions.Objects], manager: functions.BucketSettings });
    // Expiry: DynamoDB's TTL removes a job's EXPIRY marker at expires_at (and the job record
    // 30 days later); the stream hands those removals to ExpireJobs.
    const removalOf = (sk: string) => FilterCriteria.filter({ eventName: FilterRule.isEqual('REMOVE'), dynamodb: { Keys: { sk: { S: FilterRule.isEqual(sk) } } } });
    functions.ExpireJobs.fn.addEventSource(
      new DynamoEventSource(table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 25,
        retryAttempts: 10,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(failureQueue('ExpireJobsFailures', 'expiries ExpireJobs gave up on')),
        filters: [removalOf('EXPIRY'), removalOf('JOB')],
      }),
    );

    const api = new Api(this, 'Api', {
      routes: apiRoutes,
      functions,
      throttlingRateLimit: props.throttlingRateLimit,
      throttlingBurstLimit: props.throttlingBurstLimit,
      dev,
      logRetention,
      domains,
      waf: props.waf === true ? {} : props.waf || undefined,
    });
    const monitoring = new Monitoring(this, 'Monitoring', {
      functions,
      stateMachine,
      api: api.restApi,
      thresholds: props.alarms,
      alarmEmail: props.alarmEmail,
      metrics: { namespace: telemetry.POWERTOOLS_METRICS_NAMESPACE!, service: telemetry.POWERTOOLS_SERVICE_NAME! },
      dev,
    });
    // A message in a failure queue reaches a person like any other alarm.
    for (const alarm of failureAlarms) alarm.addAlarmAction(new SnsAction(monitoring.topic));
    stageUrl = `https://${api.restApi.restApiId}.execute-api.${Stack.of(this).region}.${Stack.of(this).urlSuffix}/${API_STAGE}`;

    this.api = api.restApi;
    this.table = table;
    this.bucket = bucket;
    this.stateMachine = stateMachine;
    this.eventBus = bus;
    this.tenantBucketRole = tenantBuckets.role;
    this.functions = functions;
    this.alarmTopic = monitoring.topic;
    this.dashboard = monitoring.dashboard;
    this.domainNames = api.domainNames;
  }

  /** The API's base URL (stage `v1`, with a trailing slash). */
  get url(): string {
    return this.api.url;
  }

  /** Lets `grantee` read the finished ZIPs (`zips/` in the bucket), e.g. to copy them elsewhere. */
  grantReadZips(grantee: IGrantable): Grant {
    return this.bucket.grantRead(grantee, objectsUnder('zips/'));
  }

  /**
   * A rule on the event bus for job status changes, to `statuses` (default:
   * every status), with `target` (add more with `rule.addTarget`).
   */
  onJobStatusChange(id: string, options: { readonly statuses?: readonly JobStatus[]; readonly target?: IRuleTarget } = {}): Rule {
    const statuses = options.statuses ?? JOB_STATUSES;
    return new Rule(this, id, {
      eventBus: this.eventBus,
      eventPattern: { source: ['zipjobs'], detailType: ['Job Status Changed'], detail: { status: [...statuses] } },
      targets: options.target ? [options.target] : [],
    });
  }
}
