/**
 * Each benchmark runs in a fresh Node process (its own heap, RSS and event
 * loop, no JIT or GC state carried over): `runChild` forks a bench script
 * under tsx and resolves with the one result it sends back over IPC; the
 * script calls `report(result)` when done.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export function runChild<T>(script: string, args: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Promise<T> {
  // A bundled script (.mjs, an absolute path) runs on plain Node, as in Lambda.
  const bundled = script.endsWith('.mjs');
  const path = bundled ? script : fileURLToPath(new URL(`../${script}`, import.meta.url));
  const child = fork(path, args, {
    execArgv: bundled ? ['--no-warnings'] : ['--import', 'tsx', '--expose-gc', '--no-warnings'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise<T>((ok, fail) => {
    let result: { value?: T; error?: string } | undefined;
    child.on('message', (m) => (result = m as typeof result));
    child.once('error', fail);
    child.once('exit', (code, signal) => {
      if (result?.error) fail(new Error(`${script}: ${result.error}`));
      else if (result && 'value' in result) ok(result.value as T);
      else fail(new Error(`${script} exited (${signal ?? code}) without a result`));
    });
  });
}

/** Sends the result to the parent and exits (servers and sockets left open do not keep the child alive). */
export function report(run: () => Promise<unknown>): void {
  const send = (message: object, code: number): void => {
    // Run directly (not forked by run.ts): print the result instead.
    if (!process.send) {
      console.log(JSON.stringify(message, null, 2));
      process.exit(code);
    }
    process.send(message, () => process.exit(code));
  };
  run().then(
    (value) => send({ value }, 0),
    (err: unknown) => {
      console.error(err);
      send({ error: err instanceof Error ? err.message : String(err) }, 1);
    },
  );
}

/** Progress lines go to stderr, so that a run can be followed without mixing into results. */
export function log(line: string): void {
  process.stderr.write(`  ${line}\n`);
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Frees what the previous run left, so that one case's garbage is not collected during the next. */
export function settle(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
