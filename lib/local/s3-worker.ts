/**
 * The local stack's S3 stand-in (s3rver) on a thread of its own: it hashes,
 * writes and reads every byte the functions move, which on the stack's main
 * thread competed with the gateway, the state machine and dynalite. Each
 * request is counted here, by operation, in the counters the stack's
 * LocalUsage shares with this thread. Started by s3-thread.ts, from its bundle.
 */
import type { IncomingMessage } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import S3rver from 's3rver';
import { S3_OPERATIONS, s3Operation } from './usage';

/** What the thread is started with (its `workerData`). */
export interface S3WorkerData {
  /** s3rver's folder. */
  readonly directory: string;
  /** LocalUsage's s3Requests: one counter per S3_OPERATIONS entry. */
  readonly counts: Int32Array;
}

export type FromS3Worker = { readonly type: 'listening'; readonly port: number } | { readonly type: 'closed' };
export type ToS3Worker = { readonly type: 'close' };

const port = parentPort!;
const { directory, counts } = workerData as S3WorkerData;
const slot = new Map<string, number>(S3_OPERATIONS.map((op, i) => [op, i]));

const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory });
// A failure to start is thrown here, and reaches the parent as the worker's 'error'.
const { port: listening } = await server.run();
server.httpServer.on('request', (req: IncomingMessage) => {
  Atomics.add(counts, slot.get(s3Operation(req.method ?? 'GET', req.url ?? '/', req.headers))!, 1);
});
port.on('message', (message: ToS3Worker) => {
  if (message.type !== 'close') return;
  const closed = server.close();
  server.httpServer.closeAllConnections(); // a stalled client does not hold the stop up
  void closed.then(() => {
    port.postMessage({ type: 'closed' } satisfies FromS3Worker);
    port.close(); // nothing left to keep the thread alive: it ends
  });
});
port.postMessage({ type: 'listening', port: listening } satisfies FromS3Worker);
