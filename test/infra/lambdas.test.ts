import { App, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { HouseFunction } from '../../lib/constructs/house-function';
import { functionSpecs, type FunctionName } from '../../lib/functions';
import { functionIds, resourcesOf, synthTemplate } from './synth';

const names = Object.keys(functionSpecs) as FunctionName[];
let template: Template;
let ids: Record<FunctionName, string>;

beforeAll(() => {
  // The one synth with CloudFormation schema validation on: a template CloudFormation would reject fails here.
  template = synthTemplate({}, { cfnValidation: true });
  ids = functionIds(template);
});

const fnProps = (name: FunctionName) => resourcesOf(template, 'AWS::Lambda::Function')[ids[name]]!.Properties;

describe('Lambda functions', () => {
  it('builds exactly one function per spec, tagged for the local runner, and no others', () => {
    expect(Object.keys(ids).sort()).toEqual([...names].sort());
    expect(Object.keys(resourcesOf(template, 'AWS::Lambda::Function'))).toHaveLength(names.length);
  });

  it.each(names)('%s runs Node 22 on ARM64 with tracing, JSON logs into a retained log group, and its spec', (name) => {
    const props = fnProps(name);
    const spec = functionSpecs[name];
    expect(props).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogFormat: 'JSON' },
      Timeout: spec.timeoutSeconds,
      MemorySize: spec.memoryMb,
    });
    const logGroup = resourcesOf(template, 'AWS::Logs::LogGroup')[props.LoggingConfig.LogGroup.Ref];
    expect(logGroup?.Properties.RetentionInDays).toBeGreaterThan(0);
  });

  it.each(names)('%s gets exactly the variables its spec lists, plus source maps and Powertools\' settings', (name) => {
    const variables = fnProps(name).Environment.Variables as Record<string, unknown>;
    // Optional settings the stack is given only when configured (-c publicBaseUrl, -c plans, -c source…, -c domains, -c downloadRequestsPerMinute, -c segment…/maxSegments).
    const optional = ['PUBLIC_BASE_URL', 'PLANS', 'CUSTOM_DOMAINS', 'DOWNLOAD_REQUESTS_PER_MINUTE', 'SEGMENT_MIN_BYTES', 'SEGMENT_PART_BYTES', 'MAX_SEGMENTS'];
    const expected = functionSpecs[name].env.filter((v) => !optional.includes(v) && !v.startsWith('SOURCE_'));
    const powertools = ['POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_LOGGER_SAMPLE_RATE'];
    expect(Object.keys(variables).sort()).toEqual([...expected, 'NODE_OPTIONS', ...powertools].sort());
    expect(variables).toMatchObject({ NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_SERVICE_NAME: 'zipjobs', POWERTOOLS_METRICS_NAMESPACE: 'zipjobs', POWERTOOLS_LOGGER_SAMPLE_RATE: '0' });
  });

  it('passes the telemetry settings to every function; debug sampling keeps Powertools\' lines from Lambda\'s level filter', () => {
    const custom = synthTemplate({ telemetry: { serviceName: 'zips', metricsNamespace: 'Acme/Zips', debugLogSampleRate: 0.05 } });
    const fns = Object.values(resourcesOf(custom, 'AWS::Lambda::Function'));
    expect(fns).toHaveLength(names.length);
    for (const fn of fns) {
      expect(fn.Properties.Environment.Variables).toMatchObject({ POWERTOOLS_SERVICE_NAME: 'zips', POWERTOOLS_METRICS_NAMESPACE: 'Acme/Zips', POWERTOOLS_LOGGER_SAMPLE_RATE: '0.05' });
      expect(fn.Properties.LoggingConfig.LogFormat).toBe('Text');
    }
    expect(() => synthTemplate({ telemetry: { debugLogSampleRate: 2 } })).toThrow(/debugLogSampleRate/);
  });

  it.each(['Prepare', 'BuildZip'] as const)('%s never fetches private addresses in a deployed stack', (name) => {
    expect(fnProps(name).Environment.Variables.ALLOW_PRIVATE_ADDRESSES).toBe('false');
  });
});

describe('HouseFunction environment checks', () => {
  const build = (name: FunctionName, environment: Record<string, string>) => () =>
    new HouseFunction(new Stack(new App(), 'Check'), name, { name, environment: environment as never });

  it('fails at synth when a variable the spec requires is missing', () => {
    expect(build('CreateJob', { TABLE_NAME: 't' })).toThrow(/BUCKET_NAME is required.*STATE_MACHINE_ARN is required/);
  });

  it('fails on a variable the spec does not list', () => {
    expect(build('MarkFailed', { TABLE_NAME: 't', BUCKET_NAME: 'b', STATE_MACHINE_ARN: 's' })).toThrow(/STATE_MACHINE_ARN is not in the spec/);
  });

  it('fails on a literal the schema rejects', () => {
    expect(build('Prepare', { TABLE_NAME: 't', BUCKET_NAME: 'b', ALLOW_PRIVATE_ADDRESSES: 'yes' })).toThrow(
      /ALLOW_PRIVATE_ADDRESSES/,
    );
  });
});
