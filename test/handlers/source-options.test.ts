/** How BuildZip and stream downloads read sources: the minimum rate comes from SOURCE_* (on by default, 0 turns it off). */
import { afterEach, describe, expect, it } from 'vitest';
import { loadEnv } from '../../lambdas/env';
import { SOURCE_FETCH_ENV, sourceFetchOptions as fetchOptionsOf } from '../../lambdas/handlers/deps';

/** The options as a handler gets them: its environment loaded, then passed in. */
const sourceFetchOptions = () => fetchOptionsOf(loadEnv(SOURCE_FETCH_ENV));

const saved = { ...process.env };
afterEach(() => {
  for (const key of ['SOURCE_MIN_BYTES_PER_SECOND', 'SOURCE_RATE_WINDOW_SECONDS']) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

describe('sourceFetchOptions', () => {
  it('holds sources to 1024 bytes a second over 60 s by default', () => {
    delete process.env.SOURCE_MIN_BYTES_PER_SECOND;
    delete process.env.SOURCE_RATE_WINDOW_SECONDS;
    expect(sourceFetchOptions().minRate).toEqual({ minBytesPerSecond: 1024, windowMs: 60_000 });
  });

  it('takes the configured rate and window, and none at 0', () => {
    Object.assign(process.env, { SOURCE_MIN_BYTES_PER_SECOND: '4096', SOURCE_RATE_WINDOW_SECONDS: '10' });
    expect(sourceFetchOptions().minRate).toEqual({ minBytesPerSecond: 4096, windowMs: 10_000 });
    process.env.SOURCE_MIN_BYTES_PER_SECOND = '0';
    expect(sourceFetchOptions().minRate).toBeUndefined();
  });

  it('refuses a rate that is not a whole number at start-up', () => {
    process.env.SOURCE_MIN_BYTES_PER_SECOND = 'fast';
    expect(() => sourceFetchOptions()).toThrow(/SOURCE_MIN_BYTES_PER_SECOND: must be a whole number/);
  });
});
