import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAN, parsePlans, planNamed, type Plan } from '../../lambdas/core/plans';
import { functionSpecs, type FunctionName } from '../../lib/functions';
import { functionIds, resourcesOf, synthTemplate } from './synth';

const gold: Plan = { ...DEFAULT_PLAN, name: 'gold', max_files_per_job: 100_000, requests_per_minute: 6000 };

describe('deploy-time plans', () => {
  it('reach every function that enforces plans, and no other', () => {
    const template = synthTemplate({ plans: [DEFAULT_PLAN, gold] });
    const ids = functionIds(template);
    const lambdas = resourcesOf(template, 'AWS::Lambda::Function');
    for (const [name, id] of Object.entries(ids) as [FunctionName, string][]) {
      const variables = (lambdas[id]!.Properties as { Environment?: { Variables?: Record<string, unknown> } }).Environment?.Variables ?? {};
      const enforces = (functionSpecs[name].env as readonly string[]).includes('PLANS');
      if (enforces) expect(JSON.parse(String(variables.PLANS)), name).toEqual([DEFAULT_PLAN, gold]);
      else expect(variables.PLANS, name).toBeUndefined();
    }
    expect(ids.CreateJob && (functionSpecs.CreateJob.env as readonly string[]).includes('PLANS')).toBeTruthy();
  });

  it('are validated at synth time', () => {
    expect(() => synthTemplate({ plans: [{ ...gold, max_files_per_job: 0 }] })).toThrow();
  });

  it('resolve a key to its plan, falling back to the standard plan', () => {
    const plans = parsePlans(JSON.stringify([DEFAULT_PLAN, gold]));
    expect(planNamed('gold', plans)).toEqual(gold);
    expect(planNamed('unknown', plans)).toEqual(DEFAULT_PLAN);
    expect(parsePlans(undefined)).toEqual([DEFAULT_PLAN]);
    expect(() => parsePlans('[{"name":"x"}]')).toThrow();
  });
});
