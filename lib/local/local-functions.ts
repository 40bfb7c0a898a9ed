/**
 * The local stack's Lambda service: each function runs in worker threads of
 * its own, as Lambda gives each function its own execution environments, so
 * two BuildZips use two cores and each handler sees only its own environment.
 * A function's workers form a warm pool: an invocation goes to an idle
 * worker, else to a new one (a cold start: the handler module loads) while
 * the pool is below `maxWorkers`, else to the least busy worker, which runs
 * it alongside the others as Lambda's multi-concurrency runtime does.
 *
 * Worker threads rather than child processes: both start in about the same
 * time here (the handler's imports dominate), and a thread cannot outlive the
 * stack's process, whatever ends it (kill -9 included).
 *
 * An invocation still running at its deadline fails as on Lambda, with
 * `Sandbox.Timedout` ("Task timed out after N seconds"), and its environment
 * is stopped: at once when it ran nothing else; when it shares the
 * environment with others, it takes no new invocation and is stopped once
 * they end, as Lambda's multi-concurrent environments let the others finish.
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { Writable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { deserializeError, type FromWorker, type FunctionWorkerData, type SerializedError, type ToWorker } from './function-protocol';

export interface LocalFunctionSpec {
  /** The handler module, an absolute path to JavaScript (its bundle). */
  readonly entry: string;
  readonly memoryMb: number;
  readonly arn: string;
  /** The function's whole environment (see function-env.ts), read when a worker starts. */
  readonly environment: () => Readonly<Record<string, string>>;
}

export interface LocalFunctionsOptions {
  readonly functions: Readonly<Record<string, LocalFunctionSpec>>;
  /** The worker runtime (function-runtime.ts) as plain JavaScript: its bundle (function-bundles.ts). */
  readonly runtime: string;
  /** Workers per function before invocations share them; default: the machine's cores. */
  readonly maxWorkers?: number;
  /** Settings passed with each invocation, applied to the worker's environment before it runs (the stack's own ZIPJOBS_* settings, which may change while it runs). */
  readonly settings?: () => Record<string, string>;
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  /** A streaming invocation's response stream, in the gateway. */
  readonly stream?: Writable;
}

interface FunctionWorker {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  readonly pending: Map<number, Pending>;
  gone: boolean;
  /** An invocation in it timed out: no new invocations, stopped once the last one ends. */
  draining: boolean;
}

/** Lambda's error for an invocation past its function's time limit. */
export function timeoutError(requestId: string, timeoutMs: number): Error {
  return Object.assign(new Error(`RequestId: ${requestId} Error: Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`), { name: 'Sandbox.Timedout' });
}

export class LocalFunctions {
  private readonly pools = new Map<string, FunctionWorker[]>();
  /** Every environment not yet ended: those in the pools and those draining. */
  private readonly live = new Set<FunctionWorker>();
  private readonly maxWorkers: number;
  private nextId = 0;
  private closed = false;

  constructor(private readonly options: LocalFunctionsOptions) {
    this.maxWorkers = Math.max(1, options.maxWorkers ?? availableParallelism());
  }

  /**
   * Runs `name` with `payload` (JSON in, JSON out) and resolves with its
   * result; an error it throws rejects with its name. It is stopped at
   * `timeoutMs`; its context counts down from `contextTimeoutMs` (default the
   * same), which tests shorten to force a handler's own early stop.
   */
  invoke(name: string, payload: unknown, timeoutMs: number, contextTimeoutMs = timeoutMs): Promise<unknown> {
    return this.run(name, payload, timeoutMs, contextTimeoutMs);
  }

  /** Runs a streaming handler: what it writes reaches `stream` as it is written, with `stream`'s backpressure. */
  invokeStreaming(name: string, event: unknown, stream: Writable, timeoutMs: number, contextTimeoutMs = timeoutMs): Promise<unknown> {
    return this.run(name, event, timeoutMs, contextTimeoutMs, stream);
  }

  /** Ends every worker; invocations still running fail. */
  async close(): Promise<void> {
    this.closed = true;
    this.pools.clear();
    await Promise.all([...this.live].map((w) => this.retire(w, new Error('the local stack stopped'))));
  }

  /** Every invocation, whatever its trigger, passes here: one place to count or trace them. */
  private async run(name: string, payload: unknown, timeoutMs: number, contextTimeoutMs: number, stream?: Writable): Promise<unknown> {
    if (this.closed) throw new Error('the local stack stopped');
    const target = this.choose(name);
    const id = ++this.nextId;
    const result = new Promise<unknown>((resolve, reject) => target.pending.set(id, { resolve, reject, stream }));
    // Awaited below, once the environment is ready; it may fail before that (the stack closes during a cold start).
    result.catch(() => undefined);
    target.worker.ref();
    await target.ready.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    if (!target.gone) {
      if (stream) {
        // The client went away: the handler's stream is destroyed, so it stops producing.
        stream.once('close', () => {
          if (!stream.writableFinished && !target.gone) target.worker.postMessage({ type: 'abort', id } satisfies ToWorker);
        });
      }
      // The time limit runs from here, as Lambda's runs from the invoke phase (a cold start's init is not counted).
      const requestId = randomUUID();
      const message: ToWorker = { type: 'invoke', id, payload, requestId, deadline: Date.now() + contextTimeoutMs, settings: this.options.settings?.() ?? {}, streaming: stream !== undefined };
      target.worker.postMessage(message);
      timer = setTimeout(() => this.timedOut(target, id, timeoutError(requestId, timeoutMs)), timeoutMs);
    }
    try {
      return await result;
    } finally {
      clearTimeout(timer);
      if (target.pending.size === 0) target.worker.unref();
    }
  }

  /** Fails an invocation past its deadline and stops its environment (once nothing else runs in it). */
  private timedOut(w: FunctionWorker, id: number, error: Error): void {
    const p = w.pending.get(id);
    if (!p) return;
    p.stream?.destroy(error);
    w.draining = true;
    this.leavePool(w);
    this.settle(w, id, (q) => q.reject(error));
  }

  private choose(name: string): FunctionWorker {
    const pool = this.pools.get(name) ?? [];
    this.pools.set(name, pool);
    const idle = pool.find((w) => w.pending.size === 0);
    if (idle) return idle;
    if (pool.length < this.maxWorkers) {
      const started = this.start(name);
      pool.push(started);
      return started;
    }
    return pool.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  }

  private start(name: string): FunctionWorker {
    const spec = this.options.functions[name];
    if (!spec) throw new Error(`local stack: no function ${name}`);
    const workerData: FunctionWorkerData = { name, entry: spec.entry, memoryMb: spec.memoryMb, arn: spec.arn };
    // execArgv: [] — plain JavaScript, whatever loader the stack's own process runs under (tsx, vitest).
    const worker = new Worker(this.options.runtime, { workerData, env: { ...spec.environment() }, execArgv: [] });
    let markReady!: () => void;
    let failReady!: (error: Error) => void;
    const ready = new Promise<void>((ok, fail) => {
      markReady = ok;
      failReady = fail;
    });
    ready.catch(() => undefined); // waited on by invocations; a failed init is reported to them
    const self: FunctionWorker = { worker, ready, pending: new Map(), gone: false, draining: false };
    this.live.add(self);
    worker.on('message', (message: FromWorker) => {
      switch (message.type) {
        case 'ready':
          return markReady();
        case 'init-error': {
          // As Lambda reports a failed init to each invocation waiting on it, and tries a fresh environment next time.
          const error = deserializeError(message.error);
          failReady(error);
          return void this.retire(self, error);
        }
        case 'result':
          return this.settle(self, message.id, (p) => p.resolve(message.value));
        case 'error':
          return this.settle(self, message.id, (p) => p.reject(deserializeError(message.error as SerializedError)));
        case 'chunk': {
          const stream = self.pending.get(message.id)?.stream;
          if (!stream || stream.destroyed) return;
          const bytes = message.chunk.length;
          stream.write(Buffer.from(message.chunk.buffer, message.chunk.byteOffset, bytes), () => {
            if (!self.gone) worker.postMessage({ type: 'ack', id: message.id, bytes } satisfies ToWorker);
          });
          return;
        }
        case 'end':
          return void self.pending.get(message.id)?.stream?.end();
        case 'stream-error':
          return void self.pending.get(message.id)?.stream?.destroy(new Error(message.message));
      }
    });
    // A handler that crashes its environment (an uncaught exception, process.exit) fails what it was running, as on Lambda.
    worker.on('error', (error) => {
      failReady(error);
      void this.retire(self, Object.assign(error, { name: error.name === 'Error' ? 'Runtime.ExitError' : error.name }));
    });
    worker.on('exit', (code) => {
      const error = Object.assign(new Error(`${name}'s environment exited (code ${code})`), { name: 'Runtime.ExitError' });
      failReady(error);
      void this.retire(self, error);
    });
    worker.unref();
    return self;
  }

  private settle(w: FunctionWorker, id: number, done: (p: Pending) => void): void {
    const p = w.pending.get(id);
    if (!p) return;
    w.pending.delete(id);
    done(p);
    // A timed-out handler may still be running in it: the environment ends with its last other invocation.
    if (w.draining && w.pending.size === 0) void this.retire(w, new Error('the environment was stopped'));
  }

  private leavePool(w: FunctionWorker): void {
    for (const pool of this.pools.values()) {
      const at = pool.indexOf(w);
      if (at >= 0) pool.splice(at, 1);
    }
  }

  private async retire(w: FunctionWorker, error: Error): Promise<void> {
    if (!w.gone) {
      w.gone = true;
      this.leavePool(w);
      this.live.delete(w);
    }
    for (const [id, p] of w.pending) {
      w.pending.delete(id);
      p.reject(error);
    }
    await w.worker.terminate();
  }
}
