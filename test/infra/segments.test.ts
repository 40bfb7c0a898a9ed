import { describe, expect, it } from 'vitest';
import { flatten, functionIds, resourcesOf, synthTemplate } from './synth';

describe('building one ZIP in segments: deploy-time settings', () => {
  it('reach BuildZip only, and set how many segments the state machine runs at once', () => {
    const template = synthTemplate({ segments: { minSegmentBytes: 2 * 1024 ** 3, partBytes: 32 * 1024 ** 2, maxSegments: 24 } });
    const lambdas = resourcesOf(template, 'AWS::Lambda::Function');
    const segmentVariables = Object.fromEntries(
      Object.entries(functionIds(template)).map(([name, id]) => {
        const variables: Record<string, unknown> = lambdas[id]!.Properties.Environment?.Variables ?? {};
        return [name, Object.fromEntries(Object.entries(variables).filter(([key]) => key.startsWith('SEGMENT_') || key === 'MAX_SEGMENTS'))];
      }),
    );
    expect(segmentVariables.BuildZip).toEqual({ SEGMENT_MIN_BYTES: String(2 * 1024 ** 3), SEGMENT_PART_BYTES: String(32 * 1024 ** 2), MAX_SEGMENTS: '24' });
    expect(Object.entries(segmentVariables).filter(([name, v]) => name !== 'BuildZip' && Object.keys(v).length > 0)).toEqual([]);
    const machine = Object.values(resourcesOf(template, 'AWS::StepFunctions::StateMachine'))[0]!.Properties;
    const definition = JSON.parse(flatten(machine.DefinitionString));
    expect(definition.States.BuildZips.ItemProcessor.States.BuildSegments.MaxConcurrency).toBe(24);
  });

  it('are checked at synth time: at most 40 segments (an inline Map), none beyond BuildZip’s reserved concurrency, parts of 5 MiB–5 GiB', () => {
    expect(() => synthTemplate({ segments: { maxSegments: 41 } })).toThrow(/maxSegments must be a whole number from 1 to 40/);
    expect(() => synthTemplate({ segments: { maxSegments: 20 }, reservedConcurrency: { buildZip: 10 } })).toThrow(/reserved concurrency/);
    expect(() => synthTemplate({ segments: { partBytes: 1024 } })).toThrow(/partBytes/);
  });
});
