import { describe, expect, it } from 'vitest';
import { functionIds, resourcesOf, synthTemplate } from './synth';

const reserved = (template: ReturnType<typeof synthTemplate>) => {
  const lambdas = resourcesOf(template, 'AWS::Lambda::Function');
  return Object.fromEntries(
    Object.entries(functionIds(template))
      .map(([name, id]) => [name, lambdas[id]!.Properties.ReservedConcurrentExecutions] as const)
      .filter(([, n]) => n !== undefined),
  );
};

describe('reserved concurrency', () => {
  it('caps BuildZip and Prepare by default, leaving the rest of the account to the API functions', () => {
    expect(reserved(synthTemplate())).toEqual({ BuildZip: 100, Prepare: 10 });
  });

  it('is configurable, and 0 leaves a function uncapped', () => {
    expect(reserved(synthTemplate({ reservedConcurrency: { buildZip: 300, prepare: 0 } }))).toEqual({ BuildZip: 300 });
  });

  it('is a whole number, checked at synth time', () => {
    expect(() => synthTemplate({ reservedConcurrency: { buildZip: -1 } })).toThrow(/buildZip/);
  });
});
