import { describe, expect, it } from 'vitest';
import type { FunctionName } from '../../lib/functions';
import { stateMachineDefinition } from '../../lib/local/state-machine-definition';
import { LocalStepFunctions, type ExecutionStatusChange, type LocalLambda } from '../../lib/local/step-functions';
import { functionsByLogicalId, localFunctionArn, onlyResource, synthesizeTemplate } from '../../lib/local/template';

// Runs the synthesized definition with stub tasks, to check how Notify's loop
// and the run's ending fit together on both paths into it.
const template = synthesizeTemplate();
const [bucketId] = onlyResource(template, 'AWS::S3::Bucket');
const [tableId] = onlyResource(template, 'AWS::DynamoDB::Table');
const definition = stateMachineDefinition(template, { [bucketId]: 'bucket', [tableId]: 'table' });
const ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:test';

interface RunOptions {
  readonly input?: Record<string, unknown>;
  readonly timeoutSeconds?: number;
  /** Stop the execution this long after it starts. */
  readonly stopAfterMs?: number;
}

/** Runs the definition once with `stubs` as its Lambdas; returns how it ended and every call, in order. */
async function run(stubs: Partial<Record<FunctionName, (input: unknown) => Promise<unknown>>>, options: RunOptions = {}) {
  const calls: [FunctionName, unknown][] = [];
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
    timeoutSeconds: options.timeoutSeconds,
    onExecutionEnded: async (detail) => void ended.push(detail),
  });
  const ended: ExecutionStatusChange[] = [];
  const { executionArn } = sfn.startExecution({ stateMachineArn: ARN, name: 'e1', input: JSON.stringify(options.input ?? { job_id: 'j1' }) });
  if (options.stopAfterMs !== undefined) setTimeout(() => sfn.stopExecution(executionArn), options.stopAfterMs);
  await sfn.idle();
  return { execution: sfn.describeExecution(executionArn), calls, ended };
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

  it('goes straight to Notify for a restarted webhook ({notify_only: true}), and succeeds', async () => {
    const { execution, calls } = await run({ Notify: notifyTwice() }, { input: { job_id: 'j1', notify_only: true } });
    expect(execution.status).toBe('SUCCEEDED');
    expect(calls.map(([name]) => name)).toEqual(['Notify', 'Notify', 'Notify']);
  });
});

describe('how the local stand-in ends an execution, as Step Functions reports it', () => {
  const slowPrepare = () => new Promise((ok) => setTimeout(() => ok({ done: false }), 200));

  it('reports a run that succeeded', async () => {
    const { ended } = await run({ Prepare: prepared, Finalize: async () => ({ status: 'completed' }), Notify: async () => ({ done: true, wait_seconds: 0 }) });
    expect(ended).toMatchObject([{ name: 'e1', status: 'SUCCEEDED', stateMachineArn: ARN, input: '{"job_id":"j1"}', error: null }]);
  });

  it('reports the run’s own failure path as FAILED with the Fail state’s error', async () => {
    const { ended } = await run({
      Prepare: async () => {
        throw new Error('boom');
      },
      MarkFailed: async () => ({ job_id: 'j1', status: 'failed' }),
      Notify: async () => ({ done: true, wait_seconds: 0 }),
    });
    expect(ended).toMatchObject([{ status: 'FAILED', error: 'JobFailed' }]);
  });

  it('ends a run past the state machine’s time limit TIMED_OUT (States.Timeout)', async () => {
    const { execution, ended, calls } = await run({ Prepare: slowPrepare }, { timeoutSeconds: 1 });
    expect(execution).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    expect(ended).toMatchObject([{ name: 'e1', status: 'TIMED_OUT', input: '{"job_id":"j1"}' }]);
    expect(calls.length).toBeGreaterThan(2);
  });

  it('ends a stopped run ABORTED', async () => {
    const { execution, ended } = await run({ Prepare: slowPrepare }, { stopAfterMs: 500 });
    expect(execution.status).toBe('ABORTED');
    expect(ended).toMatchObject([{ name: 'e1', status: 'ABORTED' }]);
  });
});
