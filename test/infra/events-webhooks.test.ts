import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionSpecs, type FunctionName } from '../../lib/functions';
import { functionIds, globMatches, resourcesOf, roleOfFunction, roleStatements, synthTemplate, type Statement } from './synth';

let template: Template;
let ids: Record<FunctionName, string>;
let statementsOf: (name: FunctionName) => Statement[];
let busId: string;

beforeAll(() => {
  template = synthTemplate();
  ids = functionIds(template);
  statementsOf = (name) => roleStatements(template, roleOfFunction(template, ids[name]));
  const buses = Object.keys(resourcesOf(template, 'AWS::Events::EventBus'));
  expect(buses).toHaveLength(1);
  busId = buses[0]!;
});

const names = Object.keys(functionSpecs) as FunctionName[];
const allows = (statements: Statement[], action: string) =>
  statements.filter((s) => s.effect === 'Allow' && s.actions.some((a) => globMatches(a, action)));
const publishers = ['CreateJob', 'Finalize', 'MarkFailed', 'Prepare', 'RetryJob', 'RunSchedule', 'SweepJobs', 'WorkflowEnded'];

describe('events', () => {
  it('lets only the functions that change a job status put events, and only on the stack’s bus', () => {
    const putters = names.filter((name) => allows(statementsOf(name), 'events:PutEvents').length > 0);
    expect(putters.sort()).toEqual(publishers);
    for (const name of putters) {
      expect(allows(statementsOf(name), 'events:PutEvents').flatMap((s) => s.resources), name).toEqual([`\${${busId}.Arn}`]);
    }
  });

  it('tells exactly those functions the bus name, so none of them publishes into nowhere', () => {
    const told = names.filter((name) => {
      const vars = resourcesOf(template, 'AWS::Lambda::Function')[ids[name]]!.Properties.Environment.Variables;
      return vars.EVENT_BUS_NAME !== undefined;
    });
    expect(told.sort()).toEqual(publishers);
    const vars = resourcesOf(template, 'AWS::Lambda::Function')[ids.Finalize]!.Properties.Environment.Variables;
    expect(vars.EVENT_BUS_NAME).toEqual({ Ref: busId });
  });
});

describe('webhooks', () => {
  it('lets WebhookSettings write only tenants’ items (TENANT#…) and its rate window (RATE#…), and nothing but the table', () => {
    const role = roleOfFunction(template, ids.WebhookSettings);
    const raw = Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
      .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === role))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as any[]);
    const writes = raw.filter((st) =>
      [st.Action].flat().some((a: string) => ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'].some((w) => globMatches(a, `dynamodb:${w}`))),
    );
    expect(writes.map((w) => w.Condition).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
      { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['RATE#*'] } },
      { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['TENANT#*'] } },
    ]);
    const actions = statementsOf('WebhookSettings').flatMap((st) => st.actions);
    expect(actions.filter((a) => /^(s3|secretsmanager|states|events):/.test(a))).toEqual([]);
  });

  it('gives Notify the table, the manifests and the signing keys, and no ZIPs, no bus, no workflow', () => {
    const statements = statementsOf('Notify');
    expect(allows(statements, 'dynamodb:UpdateItem').length).toBeGreaterThan(0);
    const s3Read = allows(statements, 's3:GetObject').flatMap((s) => s.resources);
    expect(s3Read.some((r) => r.endsWith('/manifests/*'))).toBe(true);
    expect(s3Read.some((r) => r.endsWith('/zips/*'))).toBe(false);
    expect(allows(statements, 's3:PutObject')).toEqual([]);
    expect(allows(statements, 'events:PutEvents')).toEqual([]);
    expect(allows(statements, 'states:StartExecution')).toEqual([]);
  });

  it('serves the settings routes from WebhookSettings', () => {
    const methods = Object.values(resourcesOf(template, 'AWS::ApiGateway::Method')).map((m) => ({
      method: m.Properties.HttpMethod,
      fn: JSON.stringify(m.Properties.Integration?.Uri ?? ''),
    }));
    const settings = methods.filter((m) => m.fn.includes(ids.WebhookSettings));
    expect(settings.map((m) => m.method).sort()).toEqual(['GET', 'POST', 'PUT']);
  });

  it('points Notify at the API for links and never lets it reach private addresses', () => {
    const vars = resourcesOf(template, 'AWS::Lambda::Function')[ids.Notify]!.Properties.Environment.Variables;
    expect(vars.ALLOW_PRIVATE_ADDRESSES).toBe('false');
    expect(JSON.stringify(vars.API_BASE_URL)).toMatch(/RestApi.*execute-api.*\/v1/);
    const custom = synthTemplate({ publicBaseUrl: 'https://zip.example.com' });
    const customIds = functionIds(custom);
    expect(resourcesOf(custom, 'AWS::Lambda::Function')[customIds.Notify]!.Properties.Environment.Variables.API_BASE_URL).toBe(
      'https://zip.example.com',
    );
  });
});
