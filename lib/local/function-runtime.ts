/**
 * One function's execution environment in the local stack: a worker thread
 * that loads the handler module once (its cold start, with only its spec's
 * environment) and then serves invocations, several at once as Lambda's
 * multi-concurrency runtime does, each in its own invocation context. A
 * streaming handler's response goes back to the gateway chunk by chunk, with
 * the client's backpressure.
 */
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import type { Context } from 'aws-lambda';
import { serializeError, type FromWorker, type FunctionWorkerData, type ToWorker } from './function-protocol';
import { installInvokeStore } from './invoke-store';
import { installLambdaStreaming } from './lambda-streaming';

type Handler = (event: unknown, ...rest: unknown[]) => Promise<unknown>;

const port = parentPort!;
const data = workerData as FunctionWorkerData;
const send = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

/** Response bytes sent but not yet passed on by the gateway, before the handler's writes wait. */
const WINDOW_BYTES = 4 * 1024 * 1024;

function context(requestId: string, deadline: number): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: data.name,
    functionVersion: '$LATEST',
    invokedFunctionArn: data.arn,
    memoryLimitInMB: String(data.memoryMb),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${data.name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** The response stream a streaming handler writes to: chunks go to the gateway, at most WINDOW_BYTES ahead of it. */
class ResponseChannel {
  private inFlight = 0;
  private waiting: (() => void) | undefined;
  readonly stream: Writable;

  constructor(private readonly id: number) {
    this.stream = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        if (chunk.length === 0) return done();
        // A copy the port can hand over without another copy (the chunk may share a pooled buffer).
        const copy = new Uint8Array(chunk);
        send({ type: 'chunk', id, chunk: copy }, [copy.buffer]);
        this.inFlight += copy.length;
        if (this.inFlight < WINDOW_BYTES) return done();
        this.waiting = () => done();
      },
      final: (done) => {
        send({ type: 'end', id });
        done();
      },
      destroy: (error, done) => {
        if (error) send({ type: 'stream-error', id, message: error.message });
        this.release();
        done(error);
      },
    });
  }

  ack(bytes: number): void {
    this.inFlight -= bytes;
    if (this.inFlight < WINDOW_BYTES) this.release();
  }

  private release(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }
}

installLambdaStreaming(); // before the handler module loads, as Lambda's runtime has it
const inInvocation = await installInvokeStore();
let handler: Handler;
try {
  ({ handler } = (await import(pathToFileURL(data.entry).href)) as { handler: Handler });
  if (typeof handler !== 'function') throw new Error(`${data.entry} exports no handler`);
} catch (error) {
  send({ type: 'init-error', error: serializeError(error) });
  // The parent ends this worker; the next invocation starts another, as Lambda retries an init.
  await new Promise(() => undefined);
}

const channels = new Map<number, ResponseChannel>();

async function invoke(message: Extract<ToWorker, { type: 'invoke' }>): Promise<void> {
  // The stack's own settings as they are now (tests turn logs on and off while it runs).
  Object.assign(process.env, message.settings);
  const ctx = context(message.requestId, message.deadline);
  try {
    let value: unknown;
    if (message.streaming) {
      const channel = new ResponseChannel(message.id);
      channels.set(message.id, channel);
      try {
        value = await inInvocation(ctx.awsRequestId, () => handler(message.payload, channel.stream, ctx));
      } finally {
        channels.delete(message.id);
      }
    } else {
      value = await inInvocation(ctx.awsRequestId, () => handler(message.payload, ctx));
    }
    send({ type: 'result', id: message.id, value });
  } catch (error) {
    send({ type: 'error', id: message.id, error: serializeError(error) });
  }
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'invoke') void invoke(message);
  else if (message.type === 'ack') channels.get(message.id)?.ack(message.bytes);
  else channels.get(message.id)?.stream.destroy(new Error('the client went away'));
});
send({ type: 'ready' });
