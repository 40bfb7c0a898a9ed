import { Duration } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { MathExpression, Metric, SingleValueWidget, TextWidget, type IMetric, type IWidget } from 'aws-cdk-lib/aws-cloudwatch';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { METRIC_NAMES } from '../../lambdas/core/metrics';
import { functionSpecs, type FunctionName } from '../functions';
import type { HouseFunction } from './house-function';

export interface CostWidgetsProps {
  readonly functions: { readonly [N in FunctionName]: HouseFunction<N> };
  readonly stateMachine: IStateMachine;
  readonly api: RestApi;
  readonly metrics: { readonly namespace: string; readonly service: string };
}

// Each figure is one sum over the dashboard's whole time range (setPeriodToTimeRange), so
// choosing last month as the range gives the month's totals; the period below is only a fallback.
const RANGE = Duration.days(1);

/**
 * The cost drivers as totals over the dashboard's time range: what was
 * zipped (GB, files, ZIPs, jobs) and what it used (Lambda GB-seconds,
 * executions, API requests). docs/COSTS.md turns them into a cost per GB.
 */
export function costWidgets({ functions, stateMachine, api, metrics }: CostWidgetsProps): IWidget[][] {
  const ours = (name: string) => new Metric({ namespace: metrics.namespace, metricName: name, statistic: 'Sum', period: RANGE, dimensionsMap: { service: metrics.service } });
  const total = (title: string, metric: IMetric) => new SingleValueWidget({ title, metrics: [metric], setPeriodToTimeRange: true, width: 4, height: 4 });
  const gbZipped = new MathExpression({ expression: 'bytes / 1073741824', usingMetrics: { bytes: ours(METRIC_NAMES.bytesZipped) }, label: 'GB zipped', period: RANGE });

  // Lambda bills duration × memory: each function's summed Duration (ms) times its memory (GB), in seconds.
  const names = Object.keys(functionSpecs) as FunctionName[];
  const durations = Object.fromEntries(names.map((name, i) => [`d${i}`, functions[name].fn.metricDuration({ statistic: 'Sum', period: RANGE })]));
  const gbSecondsOf = (i: number) => `FILL(d${i}, 0) * ${functionSpecs[names[i]!].memoryMb / 1024} / 1000`;
  const allGbSeconds = new MathExpression({ expression: names.map((_, i) => gbSecondsOf(i)).join(' + '), usingMetrics: durations, label: 'GB-s, all functions', period: RANGE });
  const buildZip = names.indexOf('BuildZip');
  const buildGbSeconds = new MathExpression({
    expression: gbSecondsOf(buildZip),
    usingMetrics: { [`d${buildZip}`]: durations[`d${buildZip}`]! },
    label: 'GB-s, BuildZip',
    period: RANGE,
  });

  return [
    [
      new TextWidget({
        markdown:
          '## Cost drivers (totals over the time range)\nSet the range to last month: GB zipped, files and ZIPs give `npx zipjobs cost`; the GB-seconds, executions and API requests are what Lambda, Step Functions and API Gateway bill. See docs/COSTS.md.',
        width: 24,
        height: 2,
      }),
    ],
    [
      total('GB zipped', gbZipped),
      total('Files fetched', ours(METRIC_NAMES.filesFetched)),
      total('ZIPs built', ours(METRIC_NAMES.zipsBuilt)),
      total('Jobs completed', ours(METRIC_NAMES.jobsCompleted)),
      total('Stream GB sent', new MathExpression({ expression: 'bytes / 1073741824', usingMetrics: { bytes: ours(METRIC_NAMES.streamBytesSent) }, label: 'stream GB', period: RANGE })),
      total('Jobs created', ours(METRIC_NAMES.jobsCreated)),
    ],
    [
      total('Lambda GB-seconds', allGbSeconds),
      total('BuildZip GB-seconds', buildGbSeconds),
      total('Workflow executions', stateMachine.metricStarted({ period: RANGE })),
      total('API requests', api.metricCount({ period: RANGE })),
    ],
  ];
}
