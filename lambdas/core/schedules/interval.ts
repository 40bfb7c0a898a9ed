import { nextCronWallTime, type ScheduleExpression } from './expression';

const MINUTE_MS = 60_000;
const YEAR_MS = 366 * 86_400_000;
const MAX_FIRINGS = 5000;

/**
 * The shortest time between two firings of an expression, in seconds
 * (Infinity for `at()`, which fires once). For cron, the gaps between
 * wall-clock firings over the year from `now` (epoch ms): every pattern a
 * cron can make repeats within a year, and a minute (the finest a cron
 * fires) ends the search early.
 */
export function shortestInterval(expression: ScheduleExpression, now: number): number {
  if (expression.kind === 'rate') return expression.everyMs / 1000;
  if (expression.kind === 'at') return Number.POSITIVE_INFINITY;
  let previous = nextCronWallTime(expression.cron, now);
  if (previous === null) return Number.POSITIVE_INFINITY;
  const horizon = previous + YEAR_MS;
  let shortest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < MAX_FIRINGS && shortest > MINUTE_MS; i++) {
    const next = nextCronWallTime(expression.cron, previous);
    if (next === null || next > horizon) break;
    shortest = Math.min(shortest, next - previous);
    previous = next;
  }
  return shortest / 1000;
}
