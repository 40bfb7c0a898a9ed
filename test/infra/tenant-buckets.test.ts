import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionSpecs, type FunctionName } from '../../lib/functions';
import { TENANT_OBJECT_ACTIONS } from '../../lib/constructs/tenant-buckets';
import { flatten, functionIds, resourcesOf, roleOfFunction, roleStatements, synthTemplate } from './synth';

let template: Template;
let roleOf: (name: FunctionName) => string;
let tenantRoleId: string;

beforeAll(() => {
  template = synthTemplate();
  const ids = functionIds(template);
  roleOf = (name) => roleOfFunction(template, ids[name]);
  const outputs = template.toJSON().Outputs as Record<string, { Value: { 'Fn::GetAtt': [string, string] } }>;
  tenantRoleId = outputs.TenantBucketRoleArn!.Value['Fn::GetAtt'][0];
});

const USERS: FunctionName[] = ['Prepare', 'BuildZip', 'Download', 'MarkZipFailed', 'BucketSettings', 'Objects'];
const SECRETS = 'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:zipjobs/${AWS::StackName}/buckets/*';

describe("tenants' buckets", () => {
  it('outputs the role that writes tenant S3 buckets, assumable by the functions that open them and no other', () => {
    const role = resourcesOf(template, 'AWS::IAM::Role')[tenantRoleId]!;
    const principals = role.Properties.AssumeRolePolicyDocument.Statement.flatMap((s: { Principal: { AWS: unknown } }) => [s.Principal.AWS].flat()).map(flatten);
    expect(principals.sort()).toEqual(USERS.map((n) => `\${${roleOf(n)}.Arn}`).sort());
    for (const name of Object.keys(functionSpecs) as FunctionName[]) {
      const assumes = roleStatements(template, roleOf(name)).some((s) => s.actions.includes('sts:AssumeRole') && s.resources.includes(`\${${tenantRoleId}.Arn}`));
      expect(assumes, name).toBe(USERS.includes(name));
    }
  });

  it("lets the role touch objects, and list and read versions (a paket), only in buckets whose own policy grants it (none of this account's by its own policy)", () => {
    const statements = Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
      .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === tenantRoleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements).toHaveLength(3);
    expect([statements[0].Action].flat().sort()).toEqual([...TENANT_OBJECT_ACTIONS].sort());
    expect(flatten(statements[0].Resource)).toBe('arn:${AWS::Partition}:s3:::*/*');
    expect([statements[1].Action].flat().sort()).toEqual(['s3:ListBucket', 's3:ListBucketVersions']);
    expect(flatten(statements[1].Resource)).toBe('arn:${AWS::Partition}:s3:::*');
    expect([statements[2].Action].flat()).toEqual(['s3:GetObjectVersion']);
    expect(flatten(statements[2].Resource)).toBe('arn:${AWS::Partition}:s3:::*/*');
    for (const statement of statements) expect(statement.Condition).toEqual({ StringNotEquals: { 's3:ResourceAccount': { Ref: 'AWS::AccountId' } } });
  });

  it("scopes every grant on tenants' keys to the secrets' name prefix; only BucketSettings writes them", () => {
    for (const name of Object.keys(functionSpecs) as FunctionName[]) {
      const secretStatements = roleStatements(template, roleOf(name)).filter((s) => s.actions.some((a) => a.startsWith('secretsmanager:') && a !== 'secretsmanager:GetSecretValue' && a !== 'secretsmanager:DescribeSecret'));
      if (name === 'BucketSettings') {
        expect(secretStatements.flatMap((s) => s.actions).sort()).toEqual(['secretsmanager:CreateSecret', 'secretsmanager:DeleteSecret', 'secretsmanager:PutSecretValue']);
        expect(secretStatements.flatMap((s) => s.resources)).toEqual([SECRETS]);
      } else {
        expect(secretStatements, name).toEqual([]);
      }
      const reads = roleStatements(template, roleOf(name)).filter((s) => s.resources.includes(SECRETS));
      expect(reads.length > 0, name).toBe(USERS.includes(name));
    }
  });

  it('tells the functions that open buckets the role and the prefix, and lets none of them reach private endpoints', () => {
    const ids = functionIds(template);
    for (const name of USERS) {
      const env = resourcesOf(template, 'AWS::Lambda::Function')[ids[name]]!.Properties.Environment.Variables;
      expect(flatten(env.BUCKET_SECRET_PREFIX), name).toBe('zipjobs/${AWS::StackName}/buckets/');
      expect(flatten(env.TENANT_BUCKET_ROLE_ARN), name).toBe(`\${${tenantRoleId}.Arn}`);
      expect(env.ALLOW_PRIVATE_ADDRESSES, name).toBe('false');
    }
  });
});
