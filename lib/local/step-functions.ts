import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { ExecutionAbortedError, ExecutionTimeoutError, StateMachine } from 'aws-local-stepfunctions';
import { AwsServiceError } from './aws-json-services';
import { ITEM_READER_SUFFIX, rewriteDistributedMaps, taskStates, type StatesDefinition } from './state-machine-definition';
import { distributedMapNames, type LocalUsage } from './usage';

// aws-local-stepfunctions uses Promise.withResolvers (Node 22+).
const promiseCtor = Promise as unknown as { withResolvers?: () => unknown };
promiseCtor.withResolvers ??= () => {
  let resolve!: (v: unknown) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

/** A Lambda handler as the local stack runs it: JSON in, JSON out, errors by name. */
export type LocalLambda = (payload: unknown) => Promise<unknown>;

export interface LocalStepFunctionsOptions {
  readonly stateMachineArn: string;
  /** Local Lambda ARN → its handler. */
  readonly lambdas: ReadonlyMap<string, LocalLambda>;
  /** Reads a JSON object from the local S3 (for ItemReader). */
  readonly readJson: (bucket: string, key: string) => Promise<unknown>;
  /** Where running executions are journalled, so a restart resumes them. */
  readonly journalPath?: string;
  readonly onExecutionError?: (name: string, error: unknown) => void;
  /** Wait states (by name) that wait this many milliseconds instead of their own time: for tests. */
  readonly waitTimeOverrides?: Readonly<Record<string, number>>;
  /** The state machine's time limit instead of the definition's `TimeoutSeconds`: for tests. */
  readonly timeoutSeconds?: number;
  /** Told of every execution that ends, with the detail EventBridge's "Step Functions Execution Status Change" carries. */
  readonly onExecutionEnded?: (detail: ExecutionStatusChange) => Promise<void>;
  /** Counts every execution's state transitions. */
  readonly usage?: LocalUsage;
}

type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
interface Execution {
  name: string;
  input: string;
  status: ExecutionStatus;
  startDate: number;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
}

/** The `detail` of an EventBridge "Step Functions Execution Status Change" event. */
export interface ExecutionStatusChange {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: ExecutionStatus;
  readonly startDate: number;
  readonly stopDate: number | null;
  readonly input: string;
  readonly output: string | null;
  readonly error: string | null;
  readonly cause: string | null;
}

/**
 * Step Functions for the local stack: runs the synthesized definition (its
 * Distributed Maps rewritten) with aws-local-stepfunctions, every Task mapped
 * to a local handler. Answers StartExecution, DescribeExecution and StopExecution,
 * enforces the time limit, and reports each end (`onExecutionEnded`).
 */
export class LocalStepFunctions {
  private readonly machine: StateMachine;
  private readonly overrides: Record<string, (input: unknown) => Promise<never>> = {};
  private readonly executions = new Map<string, Execution>();
  private readonly running = new Set<Promise<void>>();
  private readonly aborts = new Map<string, () => void>();
  private readonly lost = new WeakSet<Execution>();
  private readonly distributedMaps: ReadonlySet<string>;
  /** The stack is stopping: executions are cut off where they are and kept as running. */
  private suspended = false;

  constructor(
    definition: StatesDefinition,
    private readonly options: LocalStepFunctionsOptions,
  ) {
    this.distributedMaps = distributedMapNames(definition);
    const local = rewriteDistributedMaps(definition);
    if (options.timeoutSeconds !== undefined) local.TimeoutSeconds = options.timeoutSeconds;
    for (const [name, state] of taskStates(local)) {
      const task = this.taskOverride(name, state);
      // A task outlives an execution that times out or is stopped (a Lambda runs to its end on AWS too): idle() waits for it.
      this.overrides[name] = ((input: unknown) => this.track(task(input))) as (input: unknown) => Promise<never>;
    }
    this.machine = new StateMachine(local as never, { validationOptions: { checkArn: false, checkPaths: false } });
    this.loadJournal();
  }

  private taskOverride(name: string, state: Record<string, unknown>): (input: unknown) => Promise<unknown> {
    const resource = String(state.Resource);
    if (resource === 'arn:aws:states:::s3:getObject') {
      return async (input) => {
        const { Bucket, Key } = input as { Bucket: string; Key: string };
        return this.options.readJson(Bucket, Key);
      };
    }
    const direct = this.options.lambdas.get(resource);
    if (direct) return async (input) => direct(JSON.parse(JSON.stringify(input ?? null)));
    if (resource === 'arn:aws:states:::lambda:invoke') {
      return async (input) => {
        const { FunctionName, Payload } = input as { FunctionName: string; Payload: unknown };
        const fn = this.options.lambdas.get(FunctionName);
        if (!fn) throw new Error(`local stack: no handler for ${FunctionName}`);
        return { Payload: await fn(JSON.parse(JSON.stringify(Payload ?? null))), StatusCode: 200 };
      };
    }
    throw new Error(`local stack: task state ${name} uses ${resource}, which has no local stand-in`);
  }

  private arnOf(name: string): string {
    return `${this.options.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  }

  startExecution(input: Record<string, unknown>) {
    if (input.stateMachineArn !== this.options.stateMachineArn) {
      throw new AwsServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(input.stateMachineArn)}'`);
    }
    const name = String(input.name ?? crypto.randomUUID());
    const existing = this.executions.get(name);
    if (existing) {
      if (existing.input === (input.input ?? '{}')) return { executionArn: this.arnOf(name), startDate: existing.startDate / 1000 };
      throw new AwsServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${this.arnOf(name)}'`);
    }
    const execution: Execution = { name, input: String(input.input ?? '{}'), status: 'RUNNING', startDate: Date.now() };
    this.executions.set(name, execution);
    this.run(execution);
    return { executionArn: this.arnOf(name), startDate: execution.startDate / 1000 };
  }

  private executionOf(arn: string): Execution {
    const e = this.executions.get(arn.slice(arn.lastIndexOf(':') + 1));
    if (!e) throw new AwsServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return e;
  }

  /** Stops a running execution, which ends ABORTED (tasks already invoked run on, as on AWS). */
  stopExecution(arn: string) {
    const e = this.executionOf(arn);
    this.aborts.get(e.name)?.();
    return { stopDate: (e.stopDate ?? Date.now()) / 1000 };
  }

  /**
   * Loses an execution behind its job's back, as if it had never been
   * started: it stops without reporting its end (no status-change event) and
   * is no longer found. For tests of the sweeper.
   */
  deleteExecution(arn: string): void {
    const e = this.executionOf(arn);
    this.lost.add(e);
    this.executions.delete(e.name);
    this.aborts.get(e.name)?.();
    this.saveJournal();
  }

  describeExecution(arn: string) {
    const e = this.executionOf(arn);
    return {
      executionArn: arn,
      stateMachineArn: this.options.stateMachineArn,
      name: e.name,
      status: e.status,
      startDate: e.startDate / 1000,
      ...(e.stopDate ? { stopDate: e.stopDate / 1000 } : {}),
      input: e.input,
      ...(e.output !== undefined ? { output: e.output } : {}),
      ...(e.error ? { error: e.error } : {}),
      ...(e.cause ? { cause: e.cause } : {}),
    };
  }

  /**
   * Cuts off every running execution as the stack stops (before the functions
   * its tasks call go): each stays RUNNING in the journal, reports no end, and
   * runs again from its input at the next start on the same data folder
   * (every workflow step is idempotent). Tasks already invoked are left to
   * the functions' own stop.
   */
  suspend(): void {
    this.suspended = true;
    for (const abort of this.aborts.values()) abort();
  }

  private run(execution: Execution): void {
    this.saveJournal();
    // Started while the stack stops: it waits in the journal for the next start.
    if (this.suspended) return;
    const done = (async () => {
      try {
        const run = this.machine.run(JSON.parse(execution.input), {
          overrides: { taskResourceLocalHandlers: this.overrides, waitTimeOverrides: { ...this.options.waitTimeOverrides } },
        });
        this.aborts.set(execution.name, run.abort);
        void this.options.usage?.transitions(run.eventLogs, this.distributedMaps, (state) => state.endsWith(ITEM_READER_SUFFIX));
        execution.output = JSON.stringify(await run.result);
        execution.status = 'SUCCEEDED';
      } catch (error) {
        // Cut off by the stack's stop (its abort, or a task refused by stopped functions): still RUNNING.
        if (this.suspended) return;
        if (error instanceof ExecutionTimeoutError) Object.assign(execution, { status: 'TIMED_OUT', error: 'States.Timeout' });
        else if (error instanceof ExecutionAbortedError) execution.status = 'ABORTED';
        else {
          // The executor wraps what ended the run (a Fail state's error, States.Runtime, …).
          const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
          Object.assign(execution, { status: 'FAILED', error: cause instanceof Error ? cause.name : String(cause), cause: cause instanceof Error ? cause.message : undefined });
          this.options.onExecutionError?.(execution.name, error);
        }
      } finally {
        this.aborts.delete(execution.name);
      }
      execution.stopDate = Date.now();
      this.saveJournal();
      if (this.lost.has(execution)) return;
      // As EventBridge would deliver it; a failed delivery is only logged here (EventBridge retries it).
      await this.options.onExecutionEnded?.(this.statusChange(execution)).catch((error: unknown) => console.error(`execution ${execution.name}: handling its end failed:`, error));
    })();
    void this.track(done);
  }

  private statusChange(e: Execution): ExecutionStatusChange {
    return {
      executionArn: this.arnOf(e.name),
      stateMachineArn: this.options.stateMachineArn,
      name: e.name,
      status: e.status,
      startDate: e.startDate,
      stopDate: e.stopDate ?? null,
      input: e.input,
      output: e.output ?? null,
      error: e.error ?? null,
      cause: e.cause ?? null,
    };
  }

  private track<T>(work: Promise<T>): Promise<T> {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.running.add(settled);
    void settled.finally(() => this.running.delete(settled));
    return work;
  }

  /** Resolves when no execution is running, nor a task it invoked, nor the handling of one that ended. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private loadJournal(): void {
    const path = this.options.journalPath;
    if (!path || !existsSync(path)) return;
    const saved = JSON.parse(readFileSync(path, 'utf8')) as Execution[];
    for (const e of saved) this.executions.set(e.name, e);
    // Executions cut off by a stop start again: every workflow step is idempotent.
    for (const e of saved) if (e.status === 'RUNNING') this.run(e);
  }

  private saveJournal(): void {
    const path = this.options.journalPath;
    if (!path) return;
    // Finished executions are kept only as long as needed to answer duplicate starts.
    const keep = [...this.executions.values()].filter((e) => e.status === 'RUNNING' || Date.now() - (e.stopDate ?? 0) < 86_400_000);
    writeFileSync(path, JSON.stringify(keep));
  }
}
