import { Aspects } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import type { ZipjobsStackProps } from '../../lib/zipjobs-stack';
import { patternGrants } from '../../lib/constructs/access';
import type { FunctionName } from '../../lib/functions';
import { buildStack, flatten, functionIds, resourcesOf, roleOfFunction, synthTemplate } from './synth';

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

  it("suppresses for each function exactly the object prefixes, wildcard actions and executions its role is granted (access.ts's patternGrants drives both)", () => {
    const template = synthTemplate();
    const [bucket] = Object.keys(resourcesOf(template, 'AWS::S3::Bucket'));
    const ids = functionIds(template);
    const policies = (name: FunctionName) => {
      const role = roleOfFunction(template, ids[name]);
      return Object.values(resourcesOf(template, 'AWS::IAM::Policy')).filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === role));
    };
    const sorted = (values: Iterable<string>) => [...new Set(values)].sort();
    const objectPrefix = new RegExp(`^\\$\\{${bucket}\\.Arn\\}/(.+)$`);
    const withObjects: string[] = [];
    for (const name of Object.keys(ids) as FunctionName[]) {
      const statements = policies(name).flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
      const objectStatements = statements.filter((s) => [s.Resource].flat().some((r) => objectPrefix.test(flatten(r))));
      const granted = {
        objects: sorted(objectStatements.flatMap((s) => [s.Resource].flat().flatMap((r) => objectPrefix.exec(flatten(r))?.[1] ?? []))),
        actions: sorted(objectStatements.flatMap((s) => [s.Action].flat()).filter((a) => a.includes('*'))),
        executions: statements.some((s) => [s.Resource].flat().some((r) => /:execution:.*\*$/.test(flatten(r)))),
      };
      const appliesTo: string[] = policies(name).flatMap((p) =>
        ((p.Metadata as any)?.cdk_nag?.rules_to_suppress ?? []).filter((r: { id: string }) => r.id === 'AwsSolutions-IAM5').flatMap((r: { applies_to?: string[] }) => r.applies_to ?? []),
      );
      const suppressed = {
        objects: sorted(appliesTo.flatMap((a) => new RegExp(`^Resource::<${bucket}\\.Arn>/(.+)$`).exec(a)?.[1] ?? [])),
        actions: sorted(appliesTo.flatMap((a) => /^Action::(s3:.+)$/.exec(a)?.[1] ?? [])),
        executions: appliesTo.some((a) => /:execution:.*:\*$/.test(a)),
      };
      expect(suppressed, name).toEqual(granted);
      if (granted.objects.length > 0) withObjects.push(name);
    }
    // Not vacuous: every function with object grants in the table was compared with some.
    const tabled = Object.entries(patternGrants).filter(([, g]) => g.read ?? g.put ?? g.delete).map(([n]) => n);
    expect(withObjects.sort()).toEqual(tabled.sort());
  });
});
