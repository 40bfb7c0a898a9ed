import { describe, expect, it } from 'vitest';
import { parseScheduleExpression } from '../../lambdas/core/schedules/expression';
import { shortestInterval } from '../../lambdas/core/schedules/interval';

const now = Date.parse('2026-12-01T10:17:00Z');
const interval = (text: string) => {
  const parsed = parseScheduleExpression(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return shortestInterval(parsed.value, now);
};

describe('the shortest interval between firings', () => {
  it.each([
    ['rate(1 minute)', 60],
    ['rate(5 minutes)', 300],
    ['rate(2 hours)', 7200],
    ['cron(0/1 * * * ? *)', 60],
    ['cron(*/10 * * * ? *)', 600],
    ['cron(0 3 * * ? *)', 86_400],
    ['cron(0,2 3 * * ? *)', 120],
    ['cron(58 * * * ? *)', 3600],
    ['cron(0 9 ? * MON-FRI *)', 86_400],
    ['cron(0 0 1 1 ? *)', 365 * 86_400],
    ['at(2027-01-01T00:00:00)', Number.POSITIVE_INFINITY],
  ])('%s: %s s', (text, seconds) => {
    expect(interval(text)).toBe(seconds);
  });
});
