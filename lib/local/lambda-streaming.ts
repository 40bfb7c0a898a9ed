/**
 * Lambda's response streaming, locally: the `awslambda` global the Node.js
 * runtime gives a function (`streamifyResponse`, `HttpResponseStream.from`),
 * and the response stream the runtime hands a streaming handler. As on AWS,
 * `HttpResponseStream.from` writes the status and headers as a JSON prelude
 * followed by eight zero bytes; the local gateway reads that prelude, sends
 * the head, and passes every later chunk to the client as it is written
 * (with the client's backpressure), never buffering the body.
 */
import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';

const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const DELIMITER = Buffer.alloc(8);

export type StreamingHandler = (event: unknown, responseStream: Writable, context: unknown) => Promise<unknown>;

/**
 * Gives `globalThis.awslambda` the streaming members Lambda's runtime has,
 * unless it has them; before any streaming handler module loads. (The AWS
 * SDK creates an empty `awslambda` object of its own, so only the members
 * are checked.)
 */
export function installLambdaStreaming(): void {
  const g = globalThis as { awslambda?: Record<string, unknown> };
  const lambda = (g.awslambda ??= {});
  lambda.streamifyResponse ??= (handler: StreamingHandler) => Object.assign(handler, { [STREAMING]: 'response' });
  lambda.HttpResponseStream ??= {
    from(stream: Writable, prelude: Record<string, unknown>): Writable {
      stream.write(JSON.stringify(prelude));
      stream.write(DELIMITER);
      return stream;
    },
  };
}

export function isStreamingHandler(handler: unknown): handler is StreamingHandler {
  return typeof handler === 'function' && (handler as unknown as Record<symbol, unknown>)[STREAMING] === 'response';
}

interface Prelude {
  statusCode?: number;
  headers?: Record<string, string>;
}

/**
 * The stream a streaming handler writes to, delivering to `res`. Destroyed
 * with an error (the handler's transfer broke off), it cuts the connection,
 * so the client sees a truncated transfer. A client that goes away destroys
 * it, so the handler stops producing.
 */
export function responseStreamTo(res: ServerResponse): Writable {
  let head: Buffer | undefined = Buffer.alloc(0);
  // Headers set one by one (not passed to writeHead) so that the response's getHeaders() shows them.
  const sendHead = (prelude: Prelude) => {
    for (const [name, value] of Object.entries(prelude.headers ?? {})) res.setHeader(name, value);
    res.writeHead(prelude.statusCode ?? 200);
  };
  const pass = (chunk: Buffer, done: (error?: Error | null) => void) => {
    if (chunk.length === 0 || res.write(chunk)) return done();
    const onDrain = () => {
      res.off('close', onClose);
      done();
    };
    const onClose = () => {
      res.off('drain', onDrain);
      done(new Error('the client went away'));
    };
    res.once('drain', onDrain);
    res.once('close', onClose);
  };
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (head === undefined) return pass(chunk, done);
      head = Buffer.concat([head, chunk]);
      const at = head.indexOf(DELIMITER);
      if (at < 0) return done();
      const prelude = JSON.parse(head.subarray(0, at).toString('utf8')) as Prelude;
      const rest = head.subarray(at + DELIMITER.length);
      head = undefined;
      sendHead(prelude);
      pass(rest, done);
    },
    final(done) {
      if (head !== undefined) sendHead({ statusCode: 200, headers: { 'Content-Type': 'application/octet-stream' } });
      res.end(() => done());
    },
    destroy(error, done) {
      if (error && !res.writableEnded) res.destroy();
      done(error);
    },
  });
  res.once('close', () => {
    if (!res.writableFinished) stream.destroy(new Error('the client went away'));
  });
  // A destroy's error has done its work once the connection is cut (the handler reports its own failure);
  // with no other listener it would be thrown as an uncaught exception in the stack's process.
  stream.on('error', () => undefined);
  return stream;
}
