import { describe, expect, it } from 'vitest';
import { functionIds, resourcesOf, synthTemplate } from './synth';

describe('deploy-time slow-source limits', () => {
  it('reach BuildZip (rate and time per file) and the stream downloads (rate), and no other function', () => {
    const template = synthTemplate({ sourceLimits: { minBytesPerSecond: 2048, rateWindowSeconds: 30, maxFileSeconds: 600 } });
    const lambdas = resourcesOf(template, 'AWS::Lambda::Function');
    const sourceVariables = Object.fromEntries(
      Object.entries(functionIds(template)).map(([name, id]) => {
        const variables: Record<string, unknown> = lambdas[id]!.Properties.Environment?.Variables ?? {};
        return [name, Object.fromEntries(Object.entries(variables).filter(([key]) => key.startsWith('SOURCE_')))];
      }),
    );
    const rate = { SOURCE_MIN_BYTES_PER_SECOND: '2048', SOURCE_RATE_WINDOW_SECONDS: '30' };
    expect(sourceVariables.BuildZip).toEqual({ ...rate, SOURCE_MAX_FILE_SECONDS: '600' });
    expect(sourceVariables.Download).toEqual(rate);
    const others = Object.entries(sourceVariables).filter(([name]) => name !== 'BuildZip' && name !== 'Download');
    expect(others.filter(([, v]) => Object.keys(v).length > 0)).toEqual([]);
  });

  it('are whole numbers, checked at synth time', () => {
    expect(() => synthTemplate({ sourceLimits: { minBytesPerSecond: 1.5 } })).toThrow(/SOURCE_MIN_BYTES_PER_SECOND/);
  });
});
