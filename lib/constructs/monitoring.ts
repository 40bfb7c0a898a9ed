import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { FunctionName } from '../functions';
import type { HouseFunction } from './house-function';
import { workflowFunctionNames } from './workflow';
import { costWidgets } from './cost-widgets';
import { METRIC_NAMES } from '../../lambdas/core/metrics';

/** Alarm thresholds, each counted over one 5-minute period; an alarm fires at or above its threshold. */
export interface AlarmThresholds {
  /** Workflow executions that ended FAILED (every failed job, and runs that died). @default 10 */
  readonly executionsFailed?: number;
  /** Workflow executions that reached the state machine's 24 h limit. @default 1 */
  readonly executionsTimedOut?: number;
  /** Failed executions / ended executions, 0–1, judged once at least `failedJobRatioMinRuns` ended. @default 0.25 */
  readonly failedJobRatio?: number;
  /** Ended executions a period needs before `failedJobRatio` is judged. @default 4 */
  readonly failedJobRatioMinRuns?: number;
  /** Errors (an exception, a time-out, out of memory) of any one function. @default 5 */
  readonly lambdaErrors?: number;
  /** Throttled invocations of any one function. @default 5 */
  readonly lambdaThrottles?: number;
  /** API responses with a 5xx status. @default 5 */
  readonly api5xx?: number;
  /** Webhook deliveries that failed for good (every attempt spent, or a URL that may not be called). @default 5 */
  readonly webhookFailures?: number;
}

export const DEFAULT_ALARM_THRESHOLDS: Required<AlarmThresholds> = {
  executionsFailed: 10,
  executionsTimedOut: 1,
  failedJobRatio: 0.25,
  failedJobRatioMinRuns: 4,
  lambdaErrors: 5,
  lambdaThrottles: 5,
  api5xx: 5,
  webhookFailures: 5,
};

export interface MonitoringProps {
  readonly functions: { readonly [N in FunctionName]: HouseFunction<N> };
  readonly stateMachine: IStateMachine;
  readonly api: RestApi;
  readonly thresholds?: AlarmThresholds;
  /** Subscribed to the alarm topic (the address confirms by e-mail). */
  readonly alarmEmail?: string;
  /** Development stack: the topic's key is destroyed with it. */
  readonly dev?: boolean;
  /** Where the functions' embedded metrics are: their namespace and `service` dimension. */
  readonly metrics: { readonly namespace: string; readonly service: string };
}

const PERIOD = Duration.minutes(5);

/**
 * Alarms that reach a person (an SNS topic, optionally with an e-mail
 * subscription) and one CloudWatch dashboard, over the metrics AWS publishes
 * for the state machine, the functions and the API, and the functions' own
 * embedded metrics (lambdas/adapters/metrics.ts).
 * docs/RUNBOOK.md says what each alarm means and what to do.
 */
export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly dashboard: Dashboard;
  /** Every alarm, by its construct id. */
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const t = { ...DEFAULT_ALARM_THRESHOLDS, ...definedOnly(props.thresholds ?? {}) };
    const { stateMachine, api, functions } = props;
    for (const [name, value] of Object.entries(t)) {
      if (!Number.isFinite(value) || value < 0) throw new Error(`alarms.${name}: must be a number ≥ 0 (got ${value})`);
    }
    if (t.failedJobRatio > 1) throw new Error(`alarms.failedJobRatio: must be between 0 and 1 (got ${t.failedJobRatio})`);

    // Encrypted with a key of our own: CloudWatch may not use the AWS-managed SNS key.
    const key = new Key(this, 'TopicKey', {
      description: 'zipjobs: encrypts the alarm topic',
      enableKeyRotation: true,
      removalPolicy: props.dev ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'AlarmTopic', { displayName: 'zipjobs alarms', masterKey: key, enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.topic);

    const alarm = (alarmId: string, metric: IMetric, threshold: number, description: string) => {
      const created = new Alarm(this, alarmId, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // No data is no traffic, not a fault.
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: `zipjobs: ${description} (see docs/RUNBOOK.md, "${alarmId}")`,
      });
      created.addAlarmAction(action);
      this.alarms.push(created);
      return created;
    };

    const failed = stateMachine.metricFailed({ period: PERIOD });
    alarm('ExecutionsFailed', failed, t.executionsFailed, `${t.executionsFailed}+ workflow executions failed in 5 minutes`);
    alarm('ExecutionsTimedOut', stateMachine.metricTimedOut({ period: PERIOD }), t.executionsTimedOut, 'a workflow execution reached its 24 h limit');
    // A failed job ends its execution in the JobFailed state, so the share of
    // ended executions that failed is the share of job runs that failed.
    const ended = new MathExpression({
      expression: 'failed + succeeded + timedOut + aborted',
      usingMetrics: {
        failed,
        succeeded: stateMachine.metricSucceeded({ period: PERIOD }),
        timedOut: stateMachine.metricTimedOut({ period: PERIOD }),
        aborted: stateMachine.metricAborted({ period: PERIOD }),
      },
      period: PERIOD,
    });
    const ratio = new MathExpression({
      expression: `IF(ended >= ${t.failedJobRatioMinRuns}, failed / ended, 0)`,
      usingMetrics: { failed, ended },
      label: 'failed share of ended executions',
      period: PERIOD,
    });
    alarm('FailedJobRatio', ratio, t.failedJobRatio, `${t.failedJobRatio * 100}%+ of the job runs that ended in 5 minutes failed`);

    for (const house of Object.values(functions)) {
      alarm(`${house.name}Errors`, house.fn.metricErrors({ period: PERIOD }), t.lambdaErrors, `${house.name} failed ${t.lambdaErrors}+ times in 5 minutes`);
      alarm(`${house.name}Throttles`, house.fn.metricThrottles({ period: PERIOD }), t.lambdaThrottles, `${house.name} was throttled ${t.lambdaThrottles}+ times in 5 minutes`);
    }
    alarm('Api5xx', api.metricServerError({ period: PERIOD }), t.api5xx, `the API answered ${t.api5xx}+ server errors (5xx) in 5 minutes`);
    // Notify never fails its execution for a webhook: only its own metric sees a delivery given up on.
    const webhookFailures = serviceMetric(props.metrics, METRIC_NAMES.webhookDeliveries, 'Sum', { outcome: 'failed' });
    alarm('WebhookFailures', webhookFailures, t.webhookFailures, `${t.webhookFailures}+ webhook deliveries failed for good in 5 minutes`);

    this.dashboard = this.buildDashboard(props);
  }

  private buildDashboard({ stateMachine, api, functions, metrics }: MonitoringProps): Dashboard {
    const dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(24) });
    const workflow: HouseFunction[] = workflowFunctionNames.map((name) => functions[name]);
    // One line per workflow function, labelled with its name (its deployed name is generated).
    const perFunction = (title: string, metricOf: (fn: HouseFunction['fn'], label: string) => IMetric) =>
      new GraphWidget({ title, left: workflow.map((house) => metricOf(house.fn, house.name)), width: 8, height: 6 });
    dashboard.addWidgets(
      new TextWidget({
        markdown: '# zipjobs\nWorkflow executions (one per job run), the workflow functions, the API. Alarms and what to do: docs/RUNBOOK.md.',
        width: 24,
        height: 2,
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Workflow executions',
        left: [stateMachine.metricStarted(), stateMachine.metricSucceeded(), stateMachine.metricFailed(), stateMachine.metricTimedOut(), stateMachine.metricAborted()],
        width: 12,
        height: 6,
      }),
      new GraphWidget({
        title: 'Workflow execution time (p50, p95)',
        left: [stateMachine.metricTime({ statistic: 'p50', label: 'p50' }), stateMachine.metricTime({ statistic: 'p95', label: 'p95' })],
        width: 12,
        height: 6,
      }),
    );
    dashboard.addWidgets(
      perFunction('Invocations (workflow functions)', (fn, label) => fn.metricInvocations({ label })),
      perFunction('Errors (workflow functions)', (fn, label) => fn.metricErrors({ label })),
      perFunction('Throttles (workflow functions)', (fn, label) => fn.metricThrottles({ label })),
    );
    dashboard.addWidgets(
      perFunction('Duration p95 (workflow functions)', (fn, label) => fn.metricDuration({ statistic: 'p95', label })),
      perFunction('Concurrent executions, max (workflow functions)', (fn, label) => fn.metric('ConcurrentExecutions', { statistic: 'Maximum', label })),
      new GraphWidget({
        title: 'API requests',
        left: [api.metricCount(), api.metricClientError(), api.metricServerError()],
        width: 8,
        height: 6,
      }),
    );
    // The functions' own metrics (Powertools' embedded metric format).
    const ours = (name: string, statistic: string, label: string) => serviceMetric(metrics, name, statistic, {}, label);
    const byClass = (name: string, dimension: string) =>
      new MathExpression({
        expression: `SEARCH('{${metrics.namespace},service,${dimension}} MetricName="${name}" service="${metrics.service}"', 'Sum', 300)`,
        usingMetrics: {},
        label: '',
        period: PERIOD,
      });
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Jobs by outcome',
        left: [ours(METRIC_NAMES.jobsCreated, 'Sum', 'created'), ours(METRIC_NAMES.jobsCompleted, 'Sum', 'completed'), byClass(METRIC_NAMES.jobsFailed, 'cause')],
        width: 8,
        height: 6,
      }),
      new GraphWidget({
        title: 'Create → completed (p50, p95)',
        left: [ours(METRIC_NAMES.jobLatency, 'p50', 'p50'), ours(METRIC_NAMES.jobLatency, 'p95', 'p95')],
        width: 8,
        height: 6,
      }),
      new GraphWidget({
        title: 'Throughput (bytes zipped, stream bytes sent; files fetched)',
        left: [ours(METRIC_NAMES.bytesZipped, 'Sum', 'bytes zipped'), ours(METRIC_NAMES.streamBytesSent, 'Sum', 'stream bytes sent')],
        right: [ours(METRIC_NAMES.filesFetched, 'Sum', 'files fetched'), ours(METRIC_NAMES.checkpoints, 'Sum', 'checkpoints')],
        width: 8,
        height: 6,
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({ title: 'Source errors by class', left: [byClass(METRIC_NAMES.sourceErrors, 'error_class')], width: 12, height: 6 }),
      new GraphWidget({ title: 'Webhook deliveries by outcome', left: [byClass(METRIC_NAMES.webhookDeliveries, 'outcome')], width: 12, height: 6 }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'API latency (p50, p95)',
        left: [api.metricLatency({ statistic: 'p50', label: 'latency p50' }), api.metricLatency({ statistic: 'p95', label: 'latency p95' })],
        right: [api.metricIntegrationLatency({ statistic: 'p95', label: 'integration p95' })],
        width: 12,
        height: 6,
      }),
    );
    for (const row of costWidgets({ stateMachine, api, functions, metrics })) dashboard.addWidgets(...row);
    return dashboard;
  }
}

/** One of the functions' embedded metrics, under their `service` dimension (and `extra` dimensions). */
function serviceMetric(where: MonitoringProps['metrics'], metricName: string, statistic: string, extra: Record<string, string>, label?: string): Metric {
  return new Metric({ namespace: where.namespace, metricName, statistic, period: PERIOD, dimensionsMap: { service: where.service, ...extra }, ...(label && { label }) });
}

/** Props with `undefined` values left out, so that they do not override defaults. */
function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter((entry) => entry[1] !== undefined)) as Partial<T>;
}
