/** The stack's limits on slow sources, as the SOURCE_* variables the functions read (lambdas/env.ts). */
export interface SourceLimits {
  /** A source slower than this, over each window, fails with `timeout` (0: no minimum). @default 1024 */
  readonly minBytesPerSecond?: number;
  /** @default 60 */
  readonly rateWindowSeconds?: number;
  /** Most time one file may take to fetch. @default 7200 */
  readonly maxFileSeconds?: number;
}

/** The SOURCE_* variables for the limits given; unset ones keep the handler's defaults. */
export function sourceLimitsEnv(limits: SourceLimits = {}) {
  const whole = (name: string, value: number | undefined) => {
    if (value === undefined) return {};
    if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number (got ${value})`);
    return { [name]: String(value) };
  };
  return {
    ...whole('SOURCE_MIN_BYTES_PER_SECOND', limits.minBytesPerSecond),
    ...whole('SOURCE_RATE_WINDOW_SECONDS', limits.rateWindowSeconds),
    ...whole('SOURCE_MAX_FILE_SECONDS', limits.maxFileSeconds),
  };
}
