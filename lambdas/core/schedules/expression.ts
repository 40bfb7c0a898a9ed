/**
 * EventBridge Scheduler expressions: `cron(min hour dom month dow year)`,
 * `rate(N unit)` and `at(yyyy-mm-ddThh:mm:ss)`. Pure: the caller hands in
 * "now"; time zones are resolved with Intl.
 *
 * Cron support: `*`, `?`, lists, ranges, steps (`a/n`, `*\/n`, `a-b/n`), month
 * names JAN–DEC and day names SUN–SAT (1 = SUN, as EventBridge). `L`, `W` and
 * `#` are refused at validation time.
 */
export type ScheduleExpression =
  | { readonly kind: 'cron'; readonly cron: CronFields }
  | { readonly kind: 'rate'; readonly everyMs: number }
  | { readonly kind: 'at'; readonly wallTime: number };

export interface CronFields {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  /** null: `?` (the day-of-week field decides). */
  readonly daysOfMonth: ReadonlySet<number> | null;
  readonly months: ReadonlySet<number>;
  /** 1 = Sunday … 7 = Saturday; null: `?`. */
  readonly daysOfWeek: ReadonlySet<number> | null;
  readonly years: ReadonlySet<number>;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldRule {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly FieldRule[] = [
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day-of-week', min: 1, max: 7, names: DAYS },
  { name: 'year', min: 1970, max: 2199 },
];

function value(token: string, rule: FieldRule): number {
  const named = rule.names?.indexOf(token.toUpperCase()) ?? -1;
  if (named >= 0) return named + 1;
  if (!/^\d+$/.test(token)) throw new Error(`${rule.name}: "${token}" is not a number${rule.names ? ' or a name' : ''}`);
  const n = Number(token);
  if (n < rule.min || n > rule.max) throw new Error(`${rule.name}: ${n} is outside ${rule.min}-${rule.max}`);
  return n;
}

function parseField(text: string, rule: FieldRule): Set<number> {
  if (/[LW#]/i.test(text.replace(/[A-Z]{3}/gi, (m) => (rule.names?.includes(m.toUpperCase()) ? '' : m)))) {
    throw new Error(`${rule.name}: L, W and # are not supported`);
  }
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const [range, stepText, extra] = part.split('/');
    if (extra !== undefined || range === undefined || range === '') throw new Error(`${rule.name}: "${part}" is malformed`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) < 1) throw new Error(`${rule.name}: step "${stepText}" must be a positive integer`);
      step = Number(stepText);
    }
    let from: number;
    let to: number;
    if (range === '*') [from, to] = [rule.min, rule.max];
    else if (range.includes('-')) {
      const [a, b, more] = range.split('-');
      if (more !== undefined || !a || !b) throw new Error(`${rule.name}: "${range}" is malformed`);
      [from, to] = [value(a, rule), value(b, rule)];
      if (from > to) throw new Error(`${rule.name}: range "${range}" runs backwards`);
    } else {
      from = value(range, rule);
      to = stepText === undefined ? from : rule.max;
    }
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

function parseCron(body: string): CronFields {
  const parts = body.trim().split(/\s+/);
  if (parts.length !== 6) throw new Error(`cron needs 6 fields (minutes hours day-of-month month day-of-week year), got ${parts.length}`);
  const [min, hour, dom, month, dow, year] = parts as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?')) throw new Error('exactly one of day-of-month and day-of-week must be "?"');
  for (const [i, f] of [min, hour, month, year].entries()) if (f === '?') throw new Error(`${FIELDS[[0, 1, 3, 5][i]!]!.name}: "?" is allowed only in day-of-month or day-of-week`);
  return {
    minutes: parseField(min, FIELDS[0]!),
    hours: parseField(hour, FIELDS[1]!),
    daysOfMonth: dom === '?' ? null : parseField(dom, FIELDS[2]!),
    months: parseField(month, FIELDS[3]!),
    daysOfWeek: dow === '?' ? null : parseField(dow, FIELDS[4]!),
    years: parseField(year, FIELDS[5]!),
  };
}

const RATE_UNITS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

function parseRate(body: string): number {
  const match = /^\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*$/.exec(body);
  if (!match) throw new Error('rate must be "rate(N minute|minutes|hour|hours|day|days)"');
  const n = Number(match[1]);
  const unit = match[2]!;
  if (n < 1) throw new Error('rate: N must be at least 1');
  if ((n === 1) !== !unit.endsWith('s')) throw new Error(`rate: use "${n === 1 ? unit.replace(/s$/, '') : `${unit}s`}" with ${n}`);
  return n * RATE_UNITS[unit.replace(/s$/, '')]!;
}

function parseAt(body: string): number {
  const match = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)$/.exec(body.trim());
  if (!match) throw new Error('at must be "at(yyyy-mm-ddThh:mm:ss)"');
  const [y, mo, d, h, mi, s] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) throw new Error(`at: ${body.trim()} is not a valid date and time`);
  return ms;
}

/** Parses a schedule expression; the error names the rule it broke. */
export function parseScheduleExpression(text: string): Parsed<ScheduleExpression> {
  const match = /^(cron|rate|at)\((.*)\)$/s.exec(text.trim());
  if (!match) return { ok: false, error: 'must be cron(…), rate(…) or at(…)' };
  try {
    const [, kind, body] = match as unknown as [string, 'cron' | 'rate' | 'at', string];
    if (kind === 'cron') return { ok: true, value: { kind, cron: parseCron(body) } };
    if (kind === 'rate') return { ok: true, value: { kind, everyMs: parseRate(body) } };
    return { ok: true, value: { kind, wallTime: parseAt(body) } };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock time in `timeZone` of `instant`, as a UTC-based epoch ms. */
export function wallClock(instant: number, timeZone: string): number {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(instant)).map((x) => [x.type, Number(x.value)]));
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) + (instant % 1000 + 1000) % 1000;
}

const DAY_MS = 86_400_000;

/**
 * The instant whose wall-clock time in `timeZone` is `wall`: the earlier one
 * when a fall-back fold repeats it; when a spring-forward gap skips it, the
 * instant the gap's length after it (02:30 in a 02:00–03:00 gap is 03:30).
 * Offsets are read a day either side, which no two transitions share.
 */
export function instantOf(wall: number, timeZone: string): number {
  const offset = (instant: number) => wallClock(instant, timeZone) - instant;
  const before = wall - offset(wall - DAY_MS);
  const after = wall - offset(wall + DAY_MS);
  const exists = [Math.min(before, after), Math.max(before, after)].find((at) => wallClock(at, timeZone) === wall);
  return exists ?? before;
}

function cronMatchesDay(cron: CronFields, d: Date): boolean {
  if (cron.daysOfMonth) return cron.daysOfMonth.has(d.getUTCDate());
  return cron.daysOfWeek!.has(d.getUTCDay() + 1);
}

/** The first wall-clock minute strictly after `wall` that the cron fields match, or null (none before 2200). */
export function nextCronWallTime(cron: CronFields, wall: number): number | null {
  const d = new Date(Math.floor(wall / 60_000) * 60_000 + 60_000);
  for (let guard = 0; guard < 200_000; guard++) {
    const year = d.getUTCFullYear();
    if (year > 2199) return null;
    if (!cron.years.has(year)) {
      d.setUTCFullYear(year + 1, 0, 1);
      d.setUTCHours(0, 0, 0, 0);
    } else if (!cron.months.has(d.getUTCMonth() + 1)) {
      d.setUTCMonth(d.getUTCMonth() + 1, 1);
      d.setUTCHours(0, 0, 0, 0);
    } else if (!cronMatchesDay(cron, d)) {
      d.setUTCDate(d.getUTCDate() + 1);
      d.setUTCHours(0, 0, 0, 0);
    } else if (!cron.hours.has(d.getUTCHours())) {
      d.setUTCHours(d.getUTCHours() + 1, 0, 0, 0);
    } else if (!cron.minutes.has(d.getUTCMinutes())) {
      d.setUTCMinutes(d.getUTCMinutes() + 1, 0, 0);
    } else return d.getTime();
  }
  return null;
}

/** Matching wall minutes that may not fire in a row: a day's gap (Pacific/Apia skipped 2011-12-30), plus a fold. */
const MAX_SKIPPED_MINUTES = 24 * 60 + 2;

/**
 * The next fire time strictly after `now` (epoch ms), or null when there is
 * none. `rate` counts from `start` (the schedule's creation), as Scheduler does.
 * Cron follows EventBridge Scheduler across DST: a wall time that a
 * spring-forward gap skips does not fire, and a wall time that a fall-back
 * fold repeats fires once. An `at()` time in a gap fires at the end of the gap
 * (skipping it would never fire the schedule).
 */
export function nextFireTime(expression: ScheduleExpression, timeZone: string, now: number, start = now): number | null {
  if (expression.kind === 'rate') {
    const periods = Math.floor((now - start) / expression.everyMs) + 1;
    return start + Math.max(1, periods) * expression.everyMs;
  }
  if (expression.kind === 'at') {
    const at = instantOf(expression.wallTime, timeZone);
    return at > now ? at : null;
  }
  let wall = wallClock(now, timeZone);
  for (let i = 0; i < MAX_SKIPPED_MINUTES; i++) {
    const next = nextCronWallTime(expression.cron, wall);
    if (next === null) return null;
    const at = instantOf(next, timeZone);
    if (at > now && wallClock(at, timeZone) === next) return at;
    wall = next;
  }
  return null;
}
