import { afterAll, beforeAll } from 'vitest';
import type { LocalStackOptions } from '../../../lib/local/local-stack';
import { LocalApi } from './local-api';

/** A test server (sources, a webhook receiver) the stack is started after and stopped before. */
export interface TestServer {
  start(): Promise<unknown>;
  stop(): Promise<unknown>;
}

/**
 * A test file's set-up: starts `servers`, then a local stack, before the
 * file's tests and stops them after. Returns a handle that forwards to the
 * running LocalApi (usable inside tests, and in hooks registered after this
 * call, which run after it).
 */
export function useLocalApi(servers: TestServer | readonly TestServer[] = [], options: Partial<LocalStackOptions> = {}): LocalApi {
  const all = Array.isArray(servers) ? servers : [servers as TestServer];
  let started: LocalApi | undefined;
  beforeAll(async () => {
    for (const server of all) await server.start();
    started = await LocalApi.start(options);
  });
  afterAll(async () => {
    await started?.stop();
    for (const server of [...all].reverse()) await server.stop();
  });
  return new Proxy({} as LocalApi, {
    get(_, key) {
      if (!started) throw new Error('the local stack is not started yet (use the API inside tests)');
      const value = Reflect.get(started, key, started) as unknown;
      return typeof value === 'function' ? value.bind(started) : value;
    },
  });
}
