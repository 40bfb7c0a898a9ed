import { Aspects } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import type { ZipjobsStackProps } from '../../lib/zipjobs-stack';
import { buildStack, resourcesOf } from './synth';

/** Unsuppressed AwsSolutions findings of a synthesized stack, one line each, and its template. */
function nag(dev: boolean, props: ZipjobsStackProps = {}): { findings: string[]; template: Template } {
  const stack = buildStack({ dev, ...props });
  // Stack-level, like bin/app.ts would at app level; reports off: tests write no files.
  Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true, reports: false }));
  const annotations = Annotations.fromStack(stack);
  const rule = Match.stringLikeRegexp('AwsSolutions-.*');
  const findings = [...annotations.findError('*', rule), ...annotations.findWarning('*', rule)].map(
    (m) => `${m.level} ${m.id}: ${String(m.entry.data).split('\n')[0]}`,
  );
  return { findings, template: Template.fromStack(stack) };
}

describe('cdk-nag AwsSolutions', () => {
  for (const dev of [false, true]) {
    it(`passes with every suppression justified (${dev ? 'dev' : 'deployable'} stack)`, () => {
      const { findings, template } = nag(dev);
      expect(findings, findings.join('\n')).toEqual([]);

      // IAM5 "Resource::*" is suppressed per role for X-Ray, log delivery and
      // ListStreams: make sure no other action ever hides behind it.
      const allowedOnStar = /^(xray:(PutTraceSegments|PutTelemetryRecords|GetSamplingRules|GetSamplingTargets)|dynamodb:ListStreams|logs:(CreateLogDelivery|GetLogDelivery|UpdateLogDelivery|DeleteLogDelivery|ListLogDeliveries|PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups))$/;
      for (const [id, policy] of Object.entries(resourcesOf(template, 'AWS::IAM::Policy'))) {
        for (const statement of policy.Properties.PolicyDocument.Statement as Record<string, unknown>[]) {
          if (![statement.Resource].flat().includes('*')) continue;
          for (const action of [statement.Action].flat() as string[]) expect(action, id).toMatch(allowedOnStar);
        }
      }
      // Every suppression carries a reason.
      for (const resource of Object.values(template.toJSON().Resources as Record<string, { Metadata?: Record<string, any> }>)) {
        for (const s of resource.Metadata?.cdk_nag?.rules_to_suppress ?? []) expect(s.reason.length, s.id).toBeGreaterThan(40);
      }
    });
  }

  it('needs the APIG3 (WAF) suppression only without a web ACL (-c waf=true, with custom domains too)', () => {
    const apig3 = (template: Template) =>
      Object.values(resourcesOf(template, 'AWS::ApiGateway::Stage')).flatMap((stage) =>
        ((stage.Metadata as any)?.cdk_nag?.rules_to_suppress ?? []).filter((s: { id: string }) => s.id === 'AwsSolutions-APIG3'),
      );
    const certificateArn = 'arn:aws:acm:eu-west-1:123456789012:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';
    const guarded = nag(false, { waf: true, domains: ['zip.example.com'], certificateArn });
    expect(guarded.findings, guarded.findings.join('\n')).toEqual([]);
    expect(apig3(guarded.template)).toEqual([]);
    expect(apig3(nag(false).template)).toHaveLength(1);
  });

  it('lets each function write only its own log group (no AWSLambdaBasicExecutionRole)', () => {
    const { template } = nag(false);
    for (const role of Object.values(resourcesOf(template, 'AWS::IAM::Role'))) {
      const managed = JSON.stringify(role.Properties.ManagedPolicyArns ?? []);
      expect(managed).not.toContain('AWSLambdaBasicExecutionRole');
    }
  });

  it('validates requests and logs method errors and metrics on the stage', () => {
    const { template } = nag(false);
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestBody: true, ValidateRequestParameters: true });
    for (const method of Object.values(resourcesOf(template, 'AWS::ApiGateway::Method'))) {
      expect(method.Properties.RequestValidatorId).toBeDefined();
    }
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: Match.arrayWith([
        Match.objectLike({ HttpMethod: '*', ResourcePath: '/*', LoggingLevel: 'ERROR', DataTraceEnabled: false, MetricsEnabled: true }),
      ]),
    });
  });
});
