import { createRequire } from 'node:module';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { Role, AccountRootPrincipal } from 'aws-cdk-lib/aws-iam';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { ZipJobs } from '../../lib';
import { repoRoot } from '../../lib/constructs/house-function';
import { functionSpecs } from '../../lib/functions';

const fs = createRequire(import.meta.url)('node:fs') as typeof import('node:fs');

/** Two users' stacks in one app, each embedding the construct; synthesized without bundling. */
function twoDeployments() {
  const entries = new Set(Object.values(functionSpecs).map((spec) => join(repoRoot, spec.entry)));
  const existsSync = fs.existsSync;
  fs.existsSync = (path) => (typeof path === 'string' && entries.has(path)) || existsSync(path);
  try {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const first = new Stack(app, 'ShopA');
    const zipsA = new ZipJobs(first, 'Zips');
    const reader = new Role(first, 'Reader', { assumedBy: new AccountRootPrincipal() });
    zipsA.grantReadZips(reader);
    zipsA.onJobStatusChange('Failed', { statuses: ['failed'], target: new SqsQueue(new Queue(first, 'FailedJobs', { enforceSSL: true })) });
    const second = new Stack(app, 'ShopB');
    new ZipJobs(second, 'Archives', { dev: true, throttlingRateLimit: 5, throttlingBurstLimit: 10, expireObjectsAfterDays: 7 });
    return { a: Template.fromStack(first), b: Template.fromStack(second) };
  } finally {
    fs.existsSync = existsSync;
  }
}

describe('the ZipJobs construct', () => {
  const { a, b } = twoDeployments();

  it('synthesizes twice in one app, each deployment with its own API, table, bucket, state machine and bus', () => {
    for (const t of [a, b]) {
      for (const type of ['AWS::ApiGateway::RestApi', 'AWS::DynamoDB::Table', 'AWS::StepFunctions::StateMachine', 'AWS::Events::EventBus']) t.resourceCountIs(type, 1);
      expect(Object.keys(t.findResources('AWS::Lambda::Function', { Metadata: Match.objectLike({ 'zipjobs:function': Match.anyValue() }) }))).toHaveLength(Object.keys(functionSpecs).length);
    }
  });

  it('has documented defaults: retained data, 50/100 throttling, one-month logs, 31-day object expiry', () => {
    a.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ DeletionProtectionEnabled: true }) });
    a.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      MethodSettings: Match.arrayWith([Match.objectLike({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 })]),
    });
    for (const group of Object.values(a.findResources('AWS::Logs::LogGroup'))) expect(group.Properties.RetentionInDays).toBe(30);
    a.hasResourceProperties('AWS::S3::Bucket', { LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 31 })]) } });
  });

  it('applies its props: a dev deployment is destroyed with its stack, with its own throttling and expiry', () => {
    b.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
    b.hasResourceProperties('AWS::ApiGateway::Stage', { MethodSettings: Match.arrayWith([Match.objectLike({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 })]) });
    b.hasResourceProperties('AWS::S3::Bucket', { LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 7 })]) } });
  });

  it('grants reading the ZIPs and adds rules on job status changes', () => {
    a.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Reader') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['s3:GetObject*']), Resource: Match.arrayWith([{ 'Fn::Join': ['', [Match.anyValue(), '/zips/*']] }]) })]) },
    });
    a.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: Match.anyValue(),
      EventPattern: { source: ['zipjobs'], 'detail-type': ['Job Status Changed'], detail: { status: ['failed'] } },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FailedJobs'), 'Arn'] } })],
    });
  });
});
