import type { Template } from 'aws-cdk-lib/assertions';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../lambdas/core/api/limits';
import { integerAbovePattern } from '../../lib/waf-patterns';
import { flatten, resourcesOf, synthTemplate } from './synth';

let template: Template;
beforeAll(() => {
  template = synthTemplate({ waf: true });
});

const webAcl = (t: Template) => {
  const acls = Object.values(resourcesOf(t, 'AWS::WAFv2::WebACL'));
  expect(acls).toHaveLength(1);
  return acls[0]!.Properties;
};
const rule = (t: Template, name: string) => (webAcl(t).Rules as any[]).find((r) => r.Name === name);

describe('the web ACL (-c waf=true)', () => {
  it('is not there by default', () => {
    const t = synthTemplate();
    t.resourceCountIs('AWS::WAFv2::WebACL', 0);
    t.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
  });

  it('is a REGIONAL web ACL that allows by default, associated with the v1 stage (its ARN refers to the stage, so it waits for it)', () => {
    expect(webAcl(template)).toMatchObject({ Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
    const [stageId] = Object.keys(resourcesOf(template, 'AWS::ApiGateway::Stage'));
    const [apiId] = Object.keys(resourcesOf(template, 'AWS::ApiGateway::RestApi'));
    const [aclId] = Object.keys(resourcesOf(template, 'AWS::WAFv2::WebACL'));
    const associations = Object.values(template.findResources('AWS::WAFv2::WebACLAssociation')) as any[];
    expect(associations).toHaveLength(1);
    const [association] = associations;
    expect(association.Properties.WebACLArn).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
    const arn = flatten(association.Properties.ResourceArn);
    expect(arn).toBe(`arn:\${AWS::Partition}:apigateway:\${AWS::Region}::/restapis/\${${apiId}}/stages/\${${stageId}}`);
  });

  it('limits each client IP to 1,000 requests per 5 minutes by default, answering 429 in the API envelope with Retry-After', () => {
    const rate = rule(template, 'RatePerIp');
    expect(rate.Statement.RateBasedStatement).toEqual({ AggregateKeyType: 'IP', Limit: 1000, EvaluationWindowSec: 300 });
    const response = rate.Action.Block.CustomResponse;
    expect(response).toMatchObject({ ResponseCode: 429, ResponseHeaders: [{ Name: 'Retry-After', Value: '60' }] });
    const body = webAcl(template).CustomResponseBodies[response.CustomResponseBodyKey];
    expect(body.ContentType).toBe('APPLICATION_JSON');
    expect(JSON.parse(body.Content)).toEqual({ success: false, error: { code: 'RATE_LIMITED', message: expect.any(String) } });
  });

  it('takes the rate and its window from the props, within AWS WAF bounds', () => {
    const t = synthTemplate({ waf: { rateLimit: 250, rateWindowSeconds: 60 } });
    expect(rule(t, 'RatePerIp').Statement.RateBasedStatement).toMatchObject({ Limit: 250, EvaluationWindowSec: 60 });
    expect(() => synthTemplate({ waf: { rateLimit: 9 } })).toThrow(/rateLimit must be a whole number from 10/);
    expect(() => synthTemplate({ waf: { rateWindowSeconds: 30 as 60 } })).toThrow(/rateWindowSeconds must be 60, 120, 300 or 600/);
  });

  it('refuses a body announced over what Lambda takes with 413 in the API envelope (WAF sees at most 64 KB of a body, so it reads Content-Length)', () => {
    const size = rule(template, 'BodyTooLarge');
    expect(size.Statement.RegexMatchStatement.FieldToMatch).toEqual({ SingleHeader: { Name: 'content-length' } });
    const re = new RegExp(size.Statement.RegexMatchStatement.RegexString);
    for (const n of [0, 1, 8192, 65536, MAX_BODY_BYTES - 1, MAX_BODY_BYTES]) expect(re.test(String(n)), String(n)).toBe(false);
    for (const n of [MAX_BODY_BYTES + 1, 6_300_000, 7_000_000, 10_485_760, 99_999_999, 1e12]) expect(re.test(String(n)), String(n)).toBe(true);
    expect(re.test('0006291457')).toBe(true);
    expect(re.test('6291457 ')).toBe(false);
    const response = size.Action.Block.CustomResponse;
    expect(response.ResponseCode).toBe(413);
    expect(JSON.parse(webAcl(template).CustomResponseBodies[response.CustomResponseBodyKey].Content).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it("uses AWS's IP reputation and known-bad-inputs groups, not the common rule set (it refuses bodies over 8 KB and URLs in bodies)", () => {
    const groups = (webAcl(template).Rules as any[]).flatMap((r) => r.Statement.ManagedRuleGroupStatement?.Name ?? []);
    expect(groups.sort()).toEqual(['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesKnownBadInputsRuleSet']);
    const priorities = (webAcl(template).Rules as any[]).map((r) => r.Priority);
    expect(new Set(priorities).size).toBe(priorities.length);
  });

  it("answers a managed rule's block in the API envelope", () => {
    const responses = Object.values(resourcesOf(template, 'AWS::ApiGateway::GatewayResponse')).map((r) => r.Properties);
    const filtered = responses.find((r) => r.ResponseType === 'WAF_FILTERED');
    expect(filtered?.StatusCode).toBe('403');
    expect(JSON.parse(filtered!.ResponseTemplates['application/json'])).toEqual({ success: false, error: { code: 'FORBIDDEN', message: expect.any(String) } });
  });
});

describe('integerAbovePattern', () => {
  it('matches exactly the integers above the limit, with or without leading zeros', () => {
    fc.assert(
      fc.property(fc.nat({ max: Number.MAX_SAFE_INTEGER }), fc.nat({ max: Number.MAX_SAFE_INTEGER }), fc.nat({ max: 3 }), (limit, value, zeros) => {
        const re = new RegExp(integerAbovePattern(limit));
        expect(re.test('0'.repeat(zeros) + String(value))).toBe(value > limit);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.nat({ max: 10_000_000 }), fc.integer({ min: -3, max: 3 }), (limit, delta) => {
        const value = limit + delta;
        fc.pre(value >= 0);
        expect(new RegExp(integerAbovePattern(limit)).test(String(value))).toBe(value > limit);
      }),
      { numRuns: 2000 },
    );
  });

  it('uses no capturing group (AWS WAF refuses them)', () => {
    fc.assert(fc.property(fc.nat({ max: Number.MAX_SAFE_INTEGER }), (limit) => {
        expect(integerAbovePattern(limit)).not.toMatch(/\((?!\?:)/);
      }),
    );
  });
});
