/**
 * What the local stack and a function's worker thread say to each other
 * (lib/local/local-functions.ts ↔ lib/local/function-runtime.ts).
 */

/** What a worker is started with (its `workerData`). */
export interface FunctionWorkerData {
  readonly name: string;
  /** The handler module, an absolute path. */
  readonly entry: string;
  readonly memoryMb: number;
  readonly arn: string;
}

/** An error as it crosses from the worker: its name (Step Functions' Retry and Catch match on it), message, stack and own fields. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly fields: Record<string, unknown>;
}

export type ToWorker =
  | {
      readonly type: 'invoke';
      readonly id: number;
      readonly payload: unknown;
      readonly requestId: string;
      /** Epoch ms: the context's getRemainingTimeInMillis counts down to it. */
      readonly deadline: number;
      /** The local stack's own settings at this moment (ZIPJOBS_*). */
      readonly settings: Record<string, string>;
      /** A streaming handler's invocation: it writes its response as `chunk` messages. */
      readonly streaming: boolean;
    }
  /** The parent has passed on `bytes` of this invocation's response. */
  | { readonly type: 'ack'; readonly id: number; readonly bytes: number }
  /** The client went away: the handler's response stream is destroyed. */
  | { readonly type: 'abort'; readonly id: number };

export type FromWorker =
  | { readonly type: 'ready' }
  /** The handler module failed to load (a missing variable, a syntax error): every invocation fails with it. */
  | { readonly type: 'init-error'; readonly error: SerializedError }
  | { readonly type: 'result'; readonly id: number; readonly value: unknown }
  | { readonly type: 'error'; readonly id: number; readonly error: SerializedError }
  | { readonly type: 'chunk'; readonly id: number; readonly chunk: Uint8Array }
  | { readonly type: 'end'; readonly id: number }
  /** The handler broke its response off (its stream destroyed with an error). */
  | { readonly type: 'stream-error'; readonly id: number; readonly message: string };

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    try {
      fields[key] = structuredClone(value);
    } catch {
      // A field that cannot cross threads (a socket, a function) is left behind.
    }
  }
  return { name: error.name, message: error.message, stack: error.stack, fields };
}

export function deserializeError(error: SerializedError): Error {
  const out = Object.assign(new Error(error.message), error.fields);
  out.name = error.name;
  if (error.stack) out.stack = error.stack;
  return out;
}
