import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isValidTimeZone,
  nextCronWallTime,
  nextFireTime,
  parseScheduleExpression,
  wallClock,
  type CronFields,
  type ScheduleExpression,
} from '../../lambdas/core/schedules/expression';

const parse = (text: string): ScheduleExpression => {
  const parsed = parseScheduleExpression(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
};
const cronOf = (text: string): CronFields => {
  const value = parse(text);
  if (value.kind !== 'cron') throw new Error('not cron');
  return value.cron;
};
const utc = (iso: string) => Date.parse(iso);
const DAY = 86_400_000;

describe('schedule expression validation', () => {
  it.each([
    'cron(0 3 * * ? *)',
    'cron(0/15 8-17 ? * MON-FRI *)',
    'cron(5,35 14 1 JAN,JUL ? 2027-2030)',
    'cron(*/10 * ? * 2/2 *)',
    'rate(1 minute)',
    'rate(5 minutes)',
    'rate(1 hour)',
    'rate(12 hours)',
    'rate(7 days)',
    'at(2026-12-01T00:00:00)',
  ])('accepts %s', (text) => {
    expect(parseScheduleExpression(text).ok).toBe(true);
  });

  it.each([
    ['cron(0 3 * * *)', /6 fields/],
    ['cron(0 3 * * * *)', /exactly one of day-of-month and day-of-week/],
    ['cron(0 3 ? * ? *)', /exactly one of day-of-month and day-of-week/],
    ['cron(60 3 * * ? *)', /minutes: 60 is outside 0-59/],
    ['cron(0 24 * * ? *)', /hours: 24/],
    ['cron(0 3 L * ? *)', /L, W and # are not supported/],
    ['cron(0 3 ? * 6#3 *)', /L, W and # are not supported/],
    ['cron(0 3 15W * ? *)', /L, W and # are not supported/],
    ['cron(0 3 * 13 ? *)', /month: 13/],
    ['cron(0 3 ? * 8 *)', /day-of-week: 8/],
    ['cron(0 3 * * ? 1969)', /year: 1969/],
    ['cron(0 5-3 * * ? *)', /runs backwards/],
    ['cron(0/0 3 * * ? *)', /step/],
    ['rate(0 minutes)', /at least 1/],
    ['rate(1 minutes)', /use "minute"/],
    ['rate(5 hour)', /use "hours"/],
    ['rate(5 weeks)', /rate must be/],
    ['at(2026-02-30T00:00:00)', /not a valid date/],
    ['at(2026-12-01 00:00:00)', /at must be/],
    ['every day', /cron\(…\), rate\(…\) or at\(…\)/],
  ])('refuses %s with a message naming the rule', (text, message) => {
    const parsed = parseScheduleExpression(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(message);
  });

  it('checks time zones with Intl', () => {
    expect(isValidTimeZone('Europe/Paris')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});

describe('next fire time', () => {
  it('fires a daily cron at 03:00 UTC, the next day once it has passed', () => {
    expect(nextFireTime(parse('cron(0 3 * * ? *)'), 'UTC', utc('2026-11-23T02:59:00Z'))).toBe(utc('2026-11-23T03:00:00Z'));
    expect(nextFireTime(parse('cron(0 3 * * ? *)'), 'UTC', utc('2026-11-23T03:00:00Z'))).toBe(utc('2026-11-24T03:00:00Z'));
  });

  it('evaluates cron in the schedule time zone, across a DST change', () => {
    // Paris is UTC+1 in winter, UTC+2 in summer (from 2027-03-28).
    expect(nextFireTime(parse('cron(0 3 * * ? *)'), 'Europe/Paris', utc('2026-11-23T12:00:00Z'))).toBe(utc('2026-11-24T02:00:00Z'));
    expect(nextFireTime(parse('cron(0 9 * * ? *)'), 'Europe/Paris', utc('2027-03-28T12:00:00Z'))).toBe(utc('2027-03-29T07:00:00Z'));
  });

  // New York: clocks go 02:00 EST → 03:00 EDT on 2027-03-14, and 02:00 EDT → 01:00 EST on 2027-11-07.
  it('skips a cron wall time that a spring-forward gap removes, as EventBridge Scheduler does', () => {
    const ny = 'America/New_York';
    expect(nextFireTime(parse('cron(30 2 * * ? *)'), ny, utc('2027-03-13T12:00:00Z'))).toBe(utc('2027-03-15T06:30:00Z'));
    expect(nextFireTime(parse('cron(* 2 * * ? *)'), ny, utc('2027-03-14T06:59:00Z'))).toBe(utc('2027-03-15T06:00:00Z'));
    expect(nextFireTime(parse('cron(0 2-3 * * ? *)'), ny, utc('2027-03-14T06:59:00Z'))).toBe(utc('2027-03-14T07:00:00Z'));
    // Found by the property below: the gap day is the only matching day of 2029.
    expect(nextFireTime(parse('cron(0 2 11 3 ? *)'), ny, utc('2029-03-01T00:00:00Z'))).toBe(utc('2030-03-11T06:00:00Z'));
  });

  it('fires a cron wall time that a fall-back fold repeats once, at its first occurrence', () => {
    const ny = 'America/New_York';
    const fires = (text: string, from: string, to: string) => {
      const out: string[] = [];
      for (let t = nextFireTime(parse(text), ny, utc(from)); t !== null && t < utc(to); t = nextFireTime(parse(text), ny, t)) out.push(new Date(t).toISOString());
      return out;
    };
    expect(fires('cron(30 1 * * ? *)', '2027-11-07T00:00:00Z', '2027-11-09T00:00:00Z')).toEqual(['2027-11-07T05:30:00.000Z', '2027-11-08T06:30:00.000Z']);
    expect(fires('cron(*/20 0-2 * * ? *)', '2027-11-07T04:30:00Z', '2027-11-07T08:00:00Z')).toEqual(
      ['04:40', '05:00', '05:20', '05:40', '07:00', '07:20', '07:40'].map((hm) => `2027-11-07T${hm}:00.000Z`),
    );
    // Asked from inside the repeated hour, the first occurrence has already fired.
    expect(nextFireTime(parse('cron(30 1 * * ? *)'), ny, utc('2027-11-07T06:00:00Z'))).toBe(utc('2027-11-08T06:30:00Z'));
  });

  it('fires an at() time inside a spring-forward gap at the end of the gap, and a folded one at its first occurrence', () => {
    const ny = 'America/New_York';
    expect(nextFireTime(parse('at(2027-03-14T02:30:00)'), ny, utc('2027-03-13T12:00:00Z'))).toBe(utc('2027-03-14T07:30:00Z'));
    expect(nextFireTime(parse('at(2027-11-07T01:30:00)'), ny, utc('2027-11-07T00:00:00Z'))).toBe(utc('2027-11-07T05:30:00Z'));
    // Apia skipped all of 2011-12-30 (UTC-10 → UTC+14).
    expect(nextFireTime(parse('at(2011-12-30T12:00:00)'), 'Pacific/Apia', utc('2011-12-29T00:00:00Z'))).toBe(utc('2011-12-30T22:00:00Z'));
    expect(nextFireTime(parse('cron(0 12 * * ? *)'), 'Pacific/Apia', utc('2011-12-29T23:00:00Z'))).toBe(utc('2011-12-30T22:00:00Z'));
  });

  it('uses day-of-week with 1 = Sunday, and weekday names', () => {
    // 2026-11-23 is a Monday.
    expect(nextFireTime(parse('cron(0 8 ? * SAT *)'), 'UTC', utc('2026-11-23T00:00:00Z'))).toBe(utc('2026-11-28T08:00:00Z'));
    expect(nextFireTime(parse('cron(0 8 ? * 1 *)'), 'UTC', utc('2026-11-23T00:00:00Z'))).toBe(utc('2026-11-29T08:00:00Z'));
  });

  it('skips months without the day, and ends with the year field', () => {
    expect(nextFireTime(parse('cron(0 0 31 * ? *)'), 'UTC', utc('2026-11-01T00:00:00Z'))).toBe(utc('2026-12-31T00:00:00Z'));
    expect(nextFireTime(parse('cron(0 0 1 1 ? 2027)'), 'UTC', utc('2027-06-01T00:00:00Z'))).toBeNull();
  });

  it('fires at() once, in its time zone, and never when past', () => {
    expect(nextFireTime(parse('at(2026-12-01T09:30:00)'), 'America/New_York', utc('2026-11-23T00:00:00Z'))).toBe(utc('2026-12-01T14:30:00Z'));
    expect(nextFireTime(parse('at(2026-12-01T09:30:00)'), 'UTC', utc('2026-12-02T00:00:00Z'))).toBeNull();
  });

  it('fires rate() every period from the start', () => {
    const start = utc('2026-11-23T00:00:00Z');
    const every5 = parse('rate(5 minutes)');
    expect(nextFireTime(every5, 'UTC', start, start)).toBe(start + 300_000);
    expect(nextFireTime(every5, 'UTC', start + 300_000, start)).toBe(start + 600_000);
    expect(nextFireTime(every5, 'UTC', start + 301_000, start)).toBe(start + 600_000);
  });

  const field = (min: number, max: number) =>
    fc.oneof(
      fc.constant('*'),
      fc.integer({ min, max }).map(String),
      fc.uniqueArray(fc.integer({ min, max }), { minLength: 1, maxLength: 4 }).map((xs) => xs.join(',')),
      fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
      fc.tuple(fc.integer({ min, max }), fc.integer({ min: 1, max: max - min + 1 })).map(([a, s]) => `${a}/${s}`),
    );
  const cronText = fc
    .tuple(field(0, 59), field(0, 23), field(1, 28), field(1, 12), field(1, 7), fc.boolean())
    .map(([mi, h, dom, mo, dow, byDom]) => `cron(${mi} ${h} ${byDom ? dom : '?'} ${mo} ${byDom ? '?' : dow} *)`);
  const zone = fc.constantFrom('UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney');
  const instant = fc.integer({ min: utc('2026-01-01T00:00:00Z'), max: utc('2030-01-01T00:00:00Z') });

  it('finds a next cron fire time that is in the future, matches every field in the zone, and skips no earlier match', () => {
    fc.assert(
      fc.property(cronText, zone, instant, (text, tz, now) => {
        const cron = cronOf(text);
        const next = nextFireTime(parse(text), tz, now);
        expect(next).not.toBeNull();
        expect(next!).toBeGreaterThan(now);
        expect(next! % 60_000).toBe(0);
        const wall = new Date(wallClock(next!, tz));
        expect(cron.minutes.has(wall.getUTCMinutes())).toBe(true);
        expect(cron.hours.has(wall.getUTCHours())).toBe(true);
        expect(cron.months.has(wall.getUTCMonth() + 1)).toBe(true);
        if (cron.daysOfMonth) expect(cron.daysOfMonth.has(wall.getUTCDate())).toBe(true);
        else expect(cron.daysOfWeek!.has(wall.getUTCDay() + 1)).toBe(true);
        // Every matching wall-clock minute between now and the result is one
        // that does not fire: no instant after now shows it on the clock.
        const offsets = new Set([now, next!].flatMap((t) => [t - 2 * DAY, t, t + 2 * DAY]).map((t) => wallClock(t, tz) - t));
        for (let m = nextCronWallTime(cron, wallClock(now, tz)); m !== null && m < wall.getTime(); m = nextCronWallTime(cron, m)) {
          for (const offset of offsets) if (m - offset > now) expect(wallClock(m - offset, tz)).not.toBe(m);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('finds a rate fire time within one period after now, on the period grid', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.constantFrom('minute', 'hour', 'day'), instant, fc.integer({ min: 0, max: 10 ** 10 }), (n, unit, start, elapsed) => {
        const period = n * { minute: 60_000, hour: 3_600_000, day: 86_400_000 }[unit];
        const next = nextFireTime(parse(`rate(${n} ${unit}${n === 1 ? '' : 's'})`), 'UTC', start + elapsed, start)!;
        expect(next).toBeGreaterThan(start + elapsed);
        expect(next - (start + elapsed)).toBeLessThanOrEqual(period);
        expect((next - start) % period).toBe(0);
      }),
    );
  });
});
