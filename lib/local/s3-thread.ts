/**
 * Starts the S3 stand-in on its own thread (s3-worker.ts) and stops it.
 *
 * A worker thread rather than a child process: like the functions' threads it
 * cannot outlive the stack's process, whatever ends it (kill -9 included),
 * and its request counters can live in memory shared with the stack.
 */
import { Worker } from 'node:worker_threads';
import type { FromS3Worker, S3WorkerData, ToS3Worker } from './s3-worker';

export interface S3Thread {
  /** s3rver's port on 127.0.0.1. */
  readonly port: number;
  /** Stops s3rver (its open connections end) and waits for the thread to end. */
  close(): Promise<void>;
}

/** `script`: s3-worker.ts bundled (function-bundles.ts); `counts`: LocalUsage's s3Requests. */
export async function startS3Thread(script: string, directory: string, counts: Int32Array): Promise<S3Thread> {
  // execArgv: [] — plain JavaScript, whatever loader the stack's own process runs under (tsx, vitest).
  const worker = new Worker(script, { workerData: { directory, counts } satisfies S3WorkerData, execArgv: [] });
  const exited = new Promise<void>((ok) => worker.once('exit', () => ok()));
  const port = await new Promise<number>((ok, fail) => {
    worker.once('error', fail);
    worker.once('exit', (code) => fail(new Error(`the S3 stand-in's thread ended before it listened (code ${code})`)));
    worker.once('message', (message: FromS3Worker) => {
      if (message.type === 'listening') ok(message.port);
    });
  });
  // Once serving, a crash of the stand-in is told (it would otherwise only show as refused connections).
  worker.on('error', (error) => console.error('the local S3 stand-in failed:', error));
  return {
    port,
    async close() {
      worker.postMessage({ type: 'close' } satisfies ToS3Worker);
      await exited;
    },
  };
}
