import { describe, expect, it } from 'vitest';
import type { FunctionName } from '../../lib/functions';
import { stateMachineDefinition } from '../../lib/local/state-machine-definition';
import { LocalStepFunctions, type LocalLambda } from '../../lib/local/step-functions';
import { functionsByLogicalId, localFunctionArn, onlyResource, synthesizeTemplate } from '../../lib/local/template';

// Runs the synthesized definition with stub tasks, to check how Notify's loop
// and the run's ending fit together on both paths into it.
const template = synthesizeTemplate();
const [bucketId] = onlyResource(template, 'AWS::S3::Bucket');
const [tableId] = onlyResource(template, 'AWS::DynamoDB::Table');
const definition = stateMachineDefinition(template, { [bucketId]: 'bucket', [tableId]: 'table' });
const ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:test';

async function run(stubs: Partial<Record<FunctionName, (input: any) => Promise<unknown>>>) {
  const calls: [FunctionName, any][] = [];
  const lambdas = new Map<string, LocalLambda>();
  for (const [logicalId, name] of functionsByLogicalId(template)) {
    lambdas.set(localFunctionArn(logicalId), async (input) => {
      calls.push([name, input]);
      const stub = stubs[name];
      if (!stub) throw new Error(`unexpected ${name}`);
      return stub(input);
    });
  }
  const sfn = new LocalStepFunctions(definition, {
    stateMachineArn: ARN,
    lambdas,
    readJson: async () => [],
    waitTimeOverrides: { WebhookBackoff: 0 },
  });
  const { executionArn } = sfn.startExecution({ stateMachineArn: ARN, name: 'e1', input: JSON.stringify({ job_id: 'j1' }) });
  await sfn.idle();
  return { execution: sfn.describeExecution(executionArn), calls };
}

const notifyTwice = () => {
  let n = 0;
  return async () => (++n < 3 ? { done: false, wait_seconds: 3600 } : { done: true, wait_seconds: 0 });
};
const prepared = async () => ({ done: true, bins_key: 'bins/j1/bins-1.json', bin_count: 0 });

describe('Notify in the state machine', () => {
  it('loops Finalize → Notify until done, then succeeds', async () => {
    const { execution, calls } = await run({ Prepare: prepared, Finalize: async () => ({ status: 'completed' }), Notify: notifyTwice() });
    expect(execution.status).toBe('SUCCEEDED');
    expect(calls.map(([name]) => name)).toEqual(['Prepare', 'Finalize', 'Notify', 'Notify', 'Notify']);
    expect(calls.filter(([name]) => name === 'Notify').map(([, input]) => input)).toEqual([{ job_id: 'j1' }, { job_id: 'j1' }, { job_id: 'j1' }]);
  });

  it('notifies after MarkFailed, then ends the run as failed', async () => {
    const { execution, calls } = await run({
      Prepare: async () => {
        throw Object.assign(new Error('boom'), { name: 'Boom' });
      },
      MarkFailed: async () => ({ job_id: 'j1', status: 'failed' }),
      Notify: notifyTwice(),
    });
    expect(execution.status).toBe('FAILED');
    expect(calls.map(([name]) => name)).toEqual(['Prepare', 'MarkFailed', 'Notify', 'Notify', 'Notify']);
  });

  it('does not let a crashing Notify fail a completed job’s run', async () => {
    const { execution } = await run({
      Prepare: prepared,
      Finalize: async () => ({ status: 'completed' }),
      Notify: async () => {
        throw new Error('crash');
      },
    });
    expect(execution.status).toBe('SUCCEEDED');
  });
});
