/** Starts bench/lib/source-server.ts in its own process and returns its base URL. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface SourceProcess {
  readonly url: string;
  stop(): void;
}

export function startSourceServer(): Promise<SourceProcess> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./source-server.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((ok, fail) => {
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`source server exited (${code})`)));
    child.once('message', (m) => ok({ url: (m as { url: string }).url, stop: () => void child.kill() }));
  });
}
