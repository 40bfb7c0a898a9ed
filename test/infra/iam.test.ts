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

beforeAll(() => {
  template = synthTemplate();
  const ids = functionIds(template);
  roleOf = (name) => roleOfFunction(template, ids[name]);
  statementsOf = (name) => roleStatements(template, roleOf(name));
});

/** Resources a statement grants `action` on (Allow statements only). */
const granted = (statements: Statement[], action: string) =>
  statements.filter((s) => s.effect === 'Allow' && s.actions.some((a) => globMatches(a, action))).flatMap((s) => s.resources);

/** Object-key patterns (`zips/*`) among the resources a statement list grants `action` on. */
const keysGranted = (statements: Statement[], action: string) =>
  granted(statements, action).flatMap((r) => objectKeyPattern(r) ?? []).sort();

/** Does some granted key pattern reach objects under this prefix? */
const reaches = (patterns: string[], prefix: string) => patterns.some((p) => globMatches(p, `${prefix}any.zip`));

const apiFunctions = ['CreateJob', 'GetJob', 'Download', 'Health'] as const;

describe('IAM, least privilege per function', () => {
  it('lets only CreateJob start the workflow (besides the state machine, for its map children)', () => {
    const [machineId] = Object.keys(resourcesOf(template, 'AWS::StepFunctions::StateMachine'));
    const machineRole = resourcesOf(template, 'AWS::StepFunctions::StateMachine')[machineId!]!.Properties.RoleArn['Fn::GetAtt'][0];
    const starters = Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.PolicyDocument).includes('states:StartExecution'))
      .flatMap((p) => p.Properties.Roles.map((r: { Ref: string }) => r.Ref));
    expect(starters.sort()).toEqual([roleOf('CreateJob'), machineRole].sort());
    expect(granted(statementsOf('CreateJob'), 'states:StartExecution')).toEqual([`\${${machineId}}`]);
  });

  it('keeps the signing keys away from everything but GetJob, Download and Notify (links in webhook bodies)', () => {
    for (const name of ['CreateJob', 'Health', 'Prepare', 'BuildZip', 'MarkZipFailed', 'Finalize', 'MarkFailed', 'WebhookSettings'] as const) {
      expect(statementsOf(name).flatMap((s) => s.actions).filter((a) => a.startsWith('secretsmanager:')), name).toEqual([]);
    }
    for (const name of ['GetJob', 'Download', 'Notify'] as const) {
      expect(granted(statementsOf(name), 'secretsmanager:GetSecretValue'), name).toHaveLength(1);
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

  it('gives Health no data access at all', () => {
    const actions = statementsOf('Health').flatMap((s) => s.actions);
    expect(actions.filter((a) => /^(dynamodb|s3|secretsmanager|states):/.test(a))).toEqual([]);
  });

  it('lets BuildZip read bins and manifests, and write ZIPs (multipart) and checkpoints only', () => {
    const statements = statementsOf('BuildZip');
    expect(keysGranted(statements, 's3:GetObject')).toEqual(['bins/*', 'checkpoints/*', 'manifests/*']);
    expect(keysGranted(statements, 's3:PutObject')).toEqual(['checkpoints/*', 'zips/*']);
    expect(keysGranted(statements, 's3:AbortMultipartUpload')).toContain('zips/*');
    expect(keysGranted(statements, 's3:ListMultipartUploadParts')).toContain('zips/*');
  });

  it('gives the workflow functions no access to what they do not use', () => {
    for (const name of ['MarkZipFailed', 'Finalize', 'MarkFailed'] as const) {
      expect(statementsOf(name).flatMap((s) => s.actions).filter((a) => a.startsWith('s3:')), name).toEqual([]);
    }
    expect(keysGranted(statementsOf('Prepare'), 's3:PutObject')).toEqual(['bins/*']);
  });
});
