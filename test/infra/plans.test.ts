import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAN, MAP_RESULT_BYTES, MAX_FILES_PER_JOB, parsePlans, planNamed, type Plan } from '../../lambdas/core/plans';
import { functionSpecs, type FunctionName } from '../../lib/functions';
import { stateMachineDefinition, type StatesDefinition } from '../../lib/local/state-machine-definition';
import type { CfnTemplate } from '../../lib/local/template';
import { functionIds, resourcesOf, synthTemplate } from './synth';

const gold: Plan = { ...DEFAULT_PLAN, name: 'gold', max_files_per_job: 80_000, requests_per_minute: 6000 };

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

  it("allow no more files per job than the ZIP Map's collected results can hold (256 KiB), with the reason", () => {
    expect(() => synthTemplate({ plans: [{ ...gold, max_files_per_job: 100_000 }] })).toThrow(/max_files_per_job[\s\S]*at most 86015[\s\S]*256 KiB/);
    expect(() => parsePlans(JSON.stringify([{ ...gold, max_files_per_job: MAX_FILES_PER_JOB + 1 }]))).toThrow(/256 KiB/);
    expect(parsePlans(JSON.stringify([{ ...gold, max_files_per_job: MAX_FILES_PER_JOB }]))[0]!.max_files_per_job).toBe(86_015);
  });

  it('bound files by what one ZIP child adds to the Map result: `{}` and a comma, as the definition makes it', () => {
    const template = synthTemplate().toJSON() as CfnTemplate;
    const buckets = Object.fromEntries(Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::S3::Bucket').map(([id]) => [id, 'b']));
    const definition = stateMachineDefinition(template, buckets);
    const maps = Object.values(definition.States).filter((state) => state.Type === 'Map') as Record<string, any>[];
    expect(maps).toHaveLength(1);
    const [map] = maps;
    expect(map!.ItemProcessor.ProcessorConfig.Mode).toBe('DISTRIBUTED');
    // No ResultWriter: the children's results are collected in the state, then discarded.
    expect(map!.ResultWriter).toBeUndefined();
    expect(map!.ResultPath).toBeNull();
    // Every way a child can end with a result is a Succeed state whose output is {}.
    const children = (map!.ItemProcessor as StatesDefinition).States as Record<string, Record<string, unknown>>;
    const endings = Object.entries(children).filter(([, state]) => state.Type === 'Succeed' || state.End === true);
    expect(endings.length).toBeGreaterThan(0);
    for (const [name, state] of endings) expect({ name, type: state.Type, outputPath: state.OutputPath }).toEqual({ name, type: 'Succeed', outputPath: null });
    const oneResult = `${JSON.stringify({})},`;
    expect(oneResult.length).toBe(MAP_RESULT_BYTES);
    expect(`[${Array.from({ length: MAX_FILES_PER_JOB }, () => '{}').join(',')}]`.length).toBeLessThanOrEqual(256 * 1024 - 4096);
  });

  it('resolve a key to its plan, falling back to the standard plan', () => {
    const plans = parsePlans(JSON.stringify([DEFAULT_PLAN, gold]));
    expect(planNamed('gold', plans)).toEqual(gold);
    expect(planNamed('unknown', plans)).toEqual(DEFAULT_PLAN);
    expect(parsePlans(undefined)).toEqual([DEFAULT_PLAN]);
    expect(() => parsePlans('[{"name":"x"}]')).toThrow();
  });
});
