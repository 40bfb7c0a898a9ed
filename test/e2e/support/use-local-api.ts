import { afterAll, beforeAll } from 'vitest';
import type { LocalStackOptions } from '../../../lib/local/local-stack';
import { LocalApi } from './local-api';

/**
 * A test file's set-up: starts `sources`, then a local stack, before the
 * file's tests and stops both after them. Returns a handle that forwards to
 * the running LocalApi (usable inside tests and hooks that run after it).
 */
export function useLocalApi(sources: { start(): Promise<unknown>; stop(): Promise<unknown> }, options: Partial<LocalStackOptions> = {}): LocalApi {
  let started: LocalApi | undefined;
  beforeAll(async () => {
    await sources.start();
    started = await LocalApi.start(options);
  });
  afterAll(async () => {
    await started?.stop();
    await sources.stop();
  });
  return new Proxy({} as LocalApi, {
    get(_, key) {
      if (!started) throw new Error('the local stack is not started yet (use the API inside tests)');
      const value = Reflect.get(started, key, started) as unknown;
      return typeof value === 'function' ? value.bind(started) : value;
    },
  });
}
