import { describe, expect, it } from 'vitest';
import { functionIds, resourcesOf, roleOfFunction, synthTemplate } from './synth';

describe("download links' rate", () => {
  it('reaches Download alone as DOWNLOAD_REQUESTS_PER_MINUTE; unset, the handler keeps its default', () => {
    const variableOf = (template: ReturnType<typeof synthTemplate>) => {
      const lambdas = resourcesOf(template, 'AWS::Lambda::Function');
      return Object.fromEntries(
        Object.entries(functionIds(template))
          .map(([name, id]) => [name, lambdas[id]!.Properties.Environment?.Variables?.DOWNLOAD_REQUESTS_PER_MINUTE])
          .filter(([, value]) => value !== undefined),
      );
    };
    expect(variableOf(synthTemplate({ downloadRequestsPerMinute: 30 }))).toEqual({ Download: '30' });
    expect(variableOf(synthTemplate())).toEqual({});
    expect(() => synthTemplate({ downloadRequestsPerMinute: 1.5 })).toThrow(/downloadRequestsPerMinute must be a whole number/);
  });

  it("lets Download count in the table's DLRATE# items (and USAGE#), with UpdateItem only", () => {
    const template = synthTemplate();
    const role = roleOfFunction(template, functionIds(template).Download);
    const updates = Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
      .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === role))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((s: { Action: string | string[] }) => [s.Action].flat().some((a) => /^dynamodb:(UpdateItem|PutItem|\*)/.test(a)));
    expect(updates).toHaveLength(1);
    expect(updates[0].Action).toBe('dynamodb:UpdateItem');
    expect(updates[0].Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['USAGE#*', 'DLRATE#*'] } });
  });
});
