import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FunctionName } from '../../lib/functions';
import {
  globMatches,
  objectKeyPattern,
  functionIds,
  resourcesOf,
  roleOfFunction,
  roleStatements,
  synthTemplate,
  type Statement,
} from './synth';

let template: Template;
let statementsOf: (name: FunctionName) => Statement[];
let roleOf: (name: FunctionName) => string;
/** A role's statements as synthesized (with their conditions). */
let rawStatements: (name: FunctionName) => Record<string, any>[];

beforeAll(() => {
  template = synthTemplate();
  const ids = functionIds(template);
  roleOf = (name) => roleOfFunction(template, ids[name]);
  statementsOf = (name) => roleStatements(template, roleOf(name));
  rawStatements = (name) =>
    Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
      .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleOf(name)))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
});

/** Resources a statement grants `action` on (Allow statements only). */
const granted = (statements: Statement[], action: string) =>
  statements.filter((s) => s.effect === 'Allow' && s.actions.some((a) => globMatches(a, action))).flatMap((s) => s.resources);

/** Object-key patterns (`zips/*`) among the resources a statement list grants `action` on. */
const keysGranted = (statements: Statement[], action: string) =>
  granted(statements, action).flatMap((r) => objectKeyPattern(r) ?? []).sort();

/** Does some granted key pattern reach objects under this prefix? */
const reaches = (patterns: string[], prefix: string) => patterns.some((p) => globMatches(p, `${prefix}any.zip`));

const apiFunctions = ['CreateJob', 'CreateUpload', 'GetJob', 'ListJobs', 'RetryJob', 'Download', 'Health'] as const;

describe('IAM, least privilege per function', () => {
  it('lets only CreateJob, RetryJob, RunSchedule (a scheduled create), WorkflowEnded and SweepJobs (a restarted webhook) start the workflow (besides the state machine, for its map children)', () => {
    const [machineId] = Object.keys(resourcesOf(template, 'AWS::StepFunctions::StateMachine'));
    const machineRole = resourcesOf(template, 'AWS::StepFunctions::StateMachine')[machineId!]!.Properties.RoleArn['Fn::GetAtt'][0];
    const starters = Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.PolicyDocument).includes('states:StartExecution'))
      .flatMap((p) => p.Properties.Roles.map((r: { Ref: string }) => r.Ref));
    expect(starters.sort()).toEqual([roleOf('CreateJob'), roleOf('RetryJob'), roleOf('RunSchedule'), roleOf('WorkflowEnded'), roleOf('SweepJobs'), machineRole].sort());
    for (const name of ['CreateJob', 'RetryJob', 'RunSchedule', 'WorkflowEnded', 'SweepJobs'] as const) {
      expect(granted(statementsOf(name), 'states:StartExecution'), name).toEqual([`\${${machineId}}`]);
    }
  });

  it('keeps the signing keys away from everything but GetJob, Download, Notify (links in webhook bodies) and ListJobs (cursors)', () => {
    // Tenants' bucket keys are other secrets, under their own prefix (test/infra/tenant-buckets.test.ts).
    const tokenSecretGrants = (name: FunctionName) =>
      statementsOf(name).filter((s) => s.actions.some((a) => a.startsWith('secretsmanager:')) && !s.resources.every((r) => r.includes(':secret:zipjobs/${AWS::StackName}/buckets/')));
    for (const name of ['CreateJob', 'CreateUpload', 'RetryJob', 'Health', 'Prepare', 'BuildZip', 'MarkZipFailed', 'Finalize', 'MarkFailed', 'WebhookSettings', 'BucketSettings'] as const) {
      expect(tokenSecretGrants(name), name).toEqual([]);
    }
    for (const name of ['GetJob', 'Download', 'Notify', 'ListJobs'] as const) {
      expect(tokenSecretGrants(name), name).toHaveLength(1);
    }
  });

  it('never lets an API function write a ZIP', () => {
    for (const name of apiFunctions) {
      expect(reaches(keysGranted(statementsOf(name), 's3:PutObject'), 'zips/'), name).toBe(false);
    }
    expect(keysGranted(statementsOf('CreateJob'), 's3:PutObject')).toEqual(['manifests/*']);
  });

  it('lets GetJob and Download read ZIPs, to presign downloads', () => {
    for (const name of ['GetJob', 'Download'] as const) {
      expect(keysGranted(statementsOf(name), 's3:GetObject'), name).toContain('zips/*');
    }
  });

  it('lets ListJobs read the table and its indexes, write only rate windows, and touch no object or workflow', () => {
    const statements = statementsOf('ListJobs');
    const tableId = Object.keys(resourcesOf(template, 'AWS::DynamoDB::Table'))[0]!;
    expect(granted(statements, 'dynamodb:Query')).toEqual(expect.arrayContaining([`\${${tableId}.Arn}`, `\${${tableId}.Arn}/index/*`]));
    // The per-tenant rate limit counts every keyed request, reads included (GetJob alike).
    for (const name of ['ListJobs', 'GetJob', 'CreateUpload'] as const) {
      const writes = rawStatements(name).filter((s) => [s.Action].flat().some((a: string) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(a)));
      expect(writes, name).toHaveLength(1);
      expect(writes[0].Action, name).toBe('dynamodb:UpdateItem');
      expect(writes[0].Condition, name).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['RATE#*'] } });
    }
    const actions = statements.flatMap((s) => s.actions);
    expect(actions.filter((a) => /^(s3|states|events):/.test(a))).toEqual([]);
  });

  it('lets RetryJob write the table, start runs of the one state machine and publish, but touch no object', () => {
    const statements = statementsOf('RetryJob');
    const tableId = Object.keys(resourcesOf(template, 'AWS::DynamoDB::Table'))[0]!;
    expect(granted(statements, 'dynamodb:UpdateItem')).toContain(`\${${tableId}.Arn}`);
    expect(granted(statements, 'dynamodb:GetItem')).toContain(`\${${tableId}.Arn}`);
    expect(statements.flatMap((s) => s.actions).filter((a) => a.startsWith('s3:'))).toEqual([]);
  });

  it('gives Health no data access at all', () => {
    const actions = statementsOf('Health').flatMap((s) => s.actions);
    expect(actions.filter((a) => /^(dynamodb|s3|secretsmanager|states):/.test(a))).toEqual([]);
  });

  it('lets BuildZip read bins and checkpoints, and write ZIPs (multipart) and checkpoints only', () => {
    const statements = statementsOf('BuildZip');
    // It reads its bin, never the manifest.
    expect(keysGranted(statements, 's3:GetObject')).toEqual(['bins/*', 'checkpoints/*']);
    expect(keysGranted(statements, 's3:PutObject')).toEqual(['checkpoints/*', 'zips/*']);
    expect(keysGranted(statements, 's3:AbortMultipartUpload')).toContain('zips/*');
    // Nothing lists an upload's parts: its checkpoint holds them.
    expect(keysGranted(statements, 's3:ListMultipartUploadParts')).not.toContain('zips/*');
  });

  it('gives the workflow functions no access to what they do not use', () => {
    for (const name of ['Finalize', 'MarkFailed'] as const) {
      expect(statementsOf(name).flatMap((s) => s.actions).filter((a) => a.startsWith('s3:')), name).toEqual([]);
    }
    // MarkZipFailed reads a failed ZIP's checkpoint and bin (to abort its upload in a tenant's bucket), and writes nothing.
    const markZipFailed = statementsOf('MarkZipFailed').filter((s) => s.actions.some((a) => a.startsWith('s3:')));
    expect(markZipFailed.flatMap((s) => s.actions).every((a) => /^s3:(GetObject|GetBucket|List)/.test(a))).toBe(true);
    expect(keysGranted(statementsOf('MarkZipFailed'), 's3:GetObject')).toEqual(['bins/*', 'checkpoints/*']);
    expect(keysGranted(statementsOf('Prepare'), 's3:PutObject')).toEqual(['bins/*', 'checkpoints/*', 'manifests/*']);
    expect(keysGranted(statementsOf('Prepare'), 's3:GetObject')).toEqual(['checkpoints/*', 'manifests/*', 'uploads/*']);
  });

  it('lets CreateUpload presign PUTs under uploads/ only, and read uploads only where jobs are created and prepared', () => {
    const statements = statementsOf('CreateUpload');
    expect(keysGranted(statements, 's3:PutObject')).toEqual(['uploads/*']);
    expect(statements.flatMap((s) => s.actions).filter((a) => a.startsWith('s3:') && !/^s3:(PutObject|Abort)/.test(a))).toEqual([]);
    expect(statements.flatMap((s) => s.actions).filter((a) => /^(states|events|secretsmanager):/.test(a))).toEqual([]);
    expect(keysGranted(statementsOf('CreateJob'), 's3:GetObject')).toEqual(['uploads/*']);
    for (const name of ['GetJob', 'ListJobs', 'RetryJob', 'Download', 'BuildZip', 'Notify'] as const) {
      expect(reaches(keysGranted(statementsOf(name), 's3:GetObject'), 'uploads/'), name).toBe(false);
    }
  });
});

describe('expiry cleanup', () => {
  it('ExpireJobs is fed only TTL removals of expiry markers and job records, reporting per-record failures', async () => {
    const { Match } = await import('aws-cdk-lib/assertions');
    template.hasResourceProperties('AWS::DynamoDB::Table', { StreamSpecification: { StreamViewType: 'KEYS_ONLY' } });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      FilterCriteria: {
        Filters: Match.arrayEquals([
          { Pattern: JSON.stringify({ eventName: ['REMOVE'], dynamodb: { Keys: { sk: { S: ['EXPIRY'] } } } }) },
          { Pattern: JSON.stringify({ eventName: ['REMOVE'], dynamodb: { Keys: { sk: { S: ['JOB'] } } } }) },
        ]),
      },
    });
  });
});
