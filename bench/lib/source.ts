/** Starts the benchmarks' servers, each in its own process: the HTTP source (./source-server.ts) and the local stack (./stack-server.ts). */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface SourceProcess {
  readonly url: string;
  /** The server's process, for its CPU time (/proc/<pid>/stat). */
  readonly pid: number;
  stop(): void;
}

export interface StackProcess extends SourceProcess {
  readonly apiKey: string;
}

/** Forks `script` (beside this file) under tsx; resolves with the first message it sends, once it listens. */
function forkServer<T extends object>(script: string, args: readonly string[] = []): Promise<T & { pid: number; stop(): void }> {
  const child: ChildProcess = fork(fileURLToPath(new URL(`./${script}`, import.meta.url)), args, {
    execArgv: ['--import', 'tsx', '--no-warnings'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((ok, fail) => {
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`${script} exited (${code})`)));
    child.once('message', (m) => ok({ ...(m as T), pid: child.pid!, stop: () => void (child.connected && child.disconnect()) }));
  });
}

export const startSourceServer = (): Promise<SourceProcess> => forkServer<{ url: string }>('source-server.ts');

/** The local stack, its data in `dataDir`; `stop()` lets it close cleanly. */
export const startStackServer = (dataDir: string): Promise<StackProcess> => forkServer<{ url: string; apiKey: string }>('stack-server.ts', [dataDir]);
