import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ALARM_THRESHOLDS } from '../../lib';
import { functionSpecs } from '../../lib/functions';
import { buildStack, functionIds, resourcesOf, synthTemplate } from './synth';

const alarmsOf = (template: ReturnType<typeof synthTemplate>) => Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm'));
const topicId = (template: ReturnType<typeof synthTemplate>) => Object.keys(resourcesOf(template, 'AWS::SNS::Topic'))[0]!;

/** The alarm on `metricName` whose dimension `dimension` refers to logical id `ref`. */
function alarmOn(template: ReturnType<typeof synthTemplate>, metricName: string, ref?: string) {
  const found = alarmsOf(template).filter((a) => a.Properties.MetricName === metricName && (ref === undefined || JSON.stringify(a.Properties.Dimensions).includes(`"${ref}"`)));
  expect(found, `${metricName} ${ref ?? ''}`).toHaveLength(1);
  return found[0]!.Properties;
}

describe('alarms and dashboard', () => {
  const template = synthTemplate();
  const ids = functionIds(template);

  it('sends every alarm to the one encrypted, TLS-only topic', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    // CloudWatch may use the topic's key.
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] })]) },
    });
    const alarms = alarmsOf(template);
    // 4 on the workflow and the API, 1 on webhook failures, 2 per function, 1 per failure queue (WorkflowEnded, RunSchedule, Scheduler's targets, SweepJobs, ExpireJobs).
    expect(alarms).toHaveLength(5 + 2 * Object.keys(functionSpecs).length + 5);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId(template) }]);
      expect(alarm.Properties.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
      expect(alarm.Properties.TreatMissingData).toBe('notBreaching');
    }
  });

  it('alarms on failed and timed-out executions, the failed share of runs, each function and API 5xx at the default thresholds', () => {
    const d = DEFAULT_ALARM_THRESHOLDS;
    expect(alarmOn(template, 'ExecutionsFailed')).toMatchObject({ Namespace: 'AWS/States', Threshold: d.executionsFailed, Period: 300, Statistic: 'Sum' });
    expect(alarmOn(template, 'ExecutionsTimedOut')).toMatchObject({ Namespace: 'AWS/States', Threshold: d.executionsTimedOut });
    expect(alarmOn(template, '5XXError')).toMatchObject({ Namespace: 'AWS/ApiGateway', Threshold: d.api5xx, Statistic: 'Sum' });
    // The functions' own embedded metric: deliveries Notify gave up on.
    expect(alarmOn(template, 'WebhookDeliveries')).toMatchObject({
      Namespace: 'zipjobs',
      Threshold: d.webhookFailures,
      Statistic: 'Sum',
      Period: 300,
      Dimensions: [
        { Name: 'outcome', Value: 'failed' },
        { Name: 'service', Value: 'zipjobs' },
      ],
    });
    for (const name of Object.keys(functionSpecs) as (keyof typeof ids)[]) {
      expect(alarmOn(template, 'Errors', ids[name])).toMatchObject({ Namespace: 'AWS/Lambda', Threshold: d.lambdaErrors, Statistic: 'Sum' });
      expect(alarmOn(template, 'Throttles', ids[name])).toMatchObject({ Namespace: 'AWS/Lambda', Threshold: d.lambdaThrottles });
    }
    const ratio = alarmsOf(template).filter((a) => a.Properties.Metrics);
    expect(ratio).toHaveLength(1);
    expect(ratio[0]!.Properties.Threshold).toBe(d.failedJobRatio);
    const expression = ratio[0]!.Properties.Metrics.find((m: { ReturnData?: boolean }) => m.ReturnData !== false).Expression as string;
    expect(expression).toBe(`IF(ended >= ${d.failedJobRatioMinRuns}, failed / ended, 0)`);
  });

  it('takes its thresholds from the alarms prop', () => {
    const custom = synthTemplate({
      alarms: { executionsFailed: 3, executionsTimedOut: 2, lambdaErrors: 1, lambdaThrottles: 7, api5xx: 20, failedJobRatio: 0.5, failedJobRatioMinRuns: 10, webhookFailures: 1 },
      telemetry: { metricsNamespace: 'Acme/Zips', serviceName: 'zips' },
    });
    const customIds = functionIds(custom);
    expect(alarmOn(custom, 'ExecutionsFailed').Threshold).toBe(3);
    expect(alarmOn(custom, 'ExecutionsTimedOut').Threshold).toBe(2);
    expect(alarmOn(custom, '5XXError').Threshold).toBe(20);
    expect(alarmOn(custom, 'WebhookDeliveries')).toMatchObject({ Threshold: 1, Namespace: 'Acme/Zips', Dimensions: [{ Name: 'outcome', Value: 'failed' }, { Name: 'service', Value: 'zips' }] });
    expect(alarmOn(custom, 'Errors', customIds.BuildZip).Threshold).toBe(1);
    expect(alarmOn(custom, 'Throttles', customIds.CreateJob).Threshold).toBe(7);
    const ratio = alarmsOf(custom).find((a) => a.Properties.Metrics)!.Properties;
    expect(ratio.Threshold).toBe(0.5);
    expect(JSON.stringify(ratio.Metrics)).toContain('IF(ended >= 10, failed / ended, 0)');
    expect(() => buildStack({ alarms: { failedJobRatio: 1.5 } })).toThrow(/alarms.failedJobRatio/);
    expect(() => buildStack({ alarms: { api5xx: -1 } })).toThrow(/alarms.api5xx/);
    expect(() => buildStack({ alarms: { webhookFailures: Number.NaN } })).toThrow(/alarms.webhookFailures/);
  });

  it('subscribes an e-mail address only when one is given', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const withEmail = synthTemplate({ alarmEmail: 'ops@example.com' });
    withEmail.resourceCountIs('AWS::SNS::Subscription', 1);
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com', TopicArn: { Ref: topicId(withEmail) } });
  });

  it('has one dashboard over executions, the workflow functions and the API', () => {
    const dashboards = Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const parts = dashboards[0]!.Properties.DashboardBody['Fn::Join'][1] as unknown[];
    const body = parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join('');
    for (const metric of ['ExecutionsStarted', 'ExecutionsSucceeded', 'ExecutionsFailed', 'ExecutionsTimedOut', 'Invocations', 'Errors', 'Duration', 'ConcurrentExecutions', '4XXError', '5XXError', 'Latency']) {
      expect(body, metric).toContain(`"${metric}"`);
    }
    for (const name of ['Prepare', 'BuildZip', 'MarkZipFailed', 'Finalize', 'MarkFailed', 'Notify'] as const) expect(body).toContain(`{"Ref":"${ids[name]}"}`);
    // The functions' embedded metrics: jobs by outcome, latency, throughput, error classes.
    for (const metric of ['JobsCreated', 'JobsCompleted', 'JobLatency', 'BytesZipped', 'FilesFetched', 'StreamBytesSent', 'Checkpoints']) {
      expect(body, metric).toContain(`["zipjobs","${metric}","service","zipjobs"`);
    }
    expect(body).toContain('"stat":"p95"');
    for (const [metric, dimension] of [['JobsFailed', 'cause'], ['SourceErrors', 'error_class'], ['WebhookDeliveries', 'outcome']]) {
      expect(body).toContain(`SEARCH('{zipjobs,service,${dimension}} MetricName=\\"${metric}\\" service=\\"zipjobs\\"', 'Sum', 300)`);
    }
    // The API's metrics are keyed by its name, unique to this deployment.
    const apiName = Object.values(resourcesOf(template, 'AWS::ApiGateway::RestApi'))[0]!.Properties.Name as string;
    expect(apiName).toMatch(/^Zipjobs-.*Api/);
    expect(body).toContain(`"ApiName","${apiName}"`);
    expect(alarmOn(template, '5XXError').Dimensions).toEqual([{ Name: 'ApiName', Value: apiName }]);
  });

  it('has the cost drivers as totals over the time range: GB zipped, files, ZIPs, jobs, GB-seconds at each function\'s memory', () => {
    const parts = Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard'))[0]!.Properties.DashboardBody['Fn::Join'][1] as unknown[];
    const body = parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join('');
    const widgets = (JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'ref')).join('')) as { widgets: { type: string; properties: Record<string, any> }[] }).widgets;
    const totals = widgets.filter((w) => w.properties.setPeriodToTimeRange === true).map((w) => w.properties.title);
    expect(totals).toEqual(['GB zipped', 'Files fetched', 'ZIPs built', 'Jobs completed', 'Stream GB sent', 'Jobs created', 'Lambda GB-seconds', 'BuildZip GB-seconds', 'Workflow executions', 'API requests']);
    expect(body).toContain('{"label":"GB zipped","expression":"bytes / 1073741824"');
    expect(body).toContain('["zipjobs","ZipsBuilt","service","zipjobs"');
    const names = Object.keys(functionSpecs) as (keyof typeof functionSpecs)[];
    const all = names.map((name, i) => `FILL(d${i}, 0) * ${functionSpecs[name].memoryMb / 1024} / 1000`).join(' + ');
    expect(body).toContain(`{"label":"GB-s, all functions","expression":"${all}"`);
    const build = names.indexOf('BuildZip');
    expect(body).toContain(`{"label":"GB-s, BuildZip","expression":"FILL(d${build}, 0) * ${1769 / 1024} / 1000"`);
    for (const name of names) expect(body).toContain(`"Duration","FunctionName","{"Ref":"${ids[name]}"}",{"id":"d${names.indexOf(name)}"`);
  });
});
