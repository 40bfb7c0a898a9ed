/**
 * A Lambda run's time budget for work that resumes: past `stopAt` it starts
 * nothing new, lets the work in flight end, saves its progress and returns
 * `{done: false}`; the state machine calls it again.
 */
export interface RunBudget {
  /** Epoch ms after which no new work starts. */
  readonly stopAt: number;
}

export const NO_LIMIT: RunBudget = { stopAt: Number.POSITIVE_INFINITY };

/**
 * The budget for a run with `remainingMs` left: it keeps min(`maxMarginMs`,
 * 25% of that) for the work in flight and the save, so a short run (the local
 * stack's, a test's) still gets three quarters of its time.
 */
export function budgetFromRemaining(remainingMs: number, maxMarginMs: number, now = Date.now()): RunBudget {
  const margin = Math.min(maxMarginMs, remainingMs * 0.25);
  return { stopAt: now + remainingMs - margin };
}
