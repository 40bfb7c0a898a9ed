import { describe, expect, it } from 'vitest';
import { createScheduleRequestSchema, updateScheduleRequestSchema } from '../../lambdas/core/schedules/request';
import { parseOrThrow } from '../../lambdas/core/validation';
import { InvalidRequestError } from '../../lambdas/core/errors';

const job = { urls: ['https://example.com/a'] };
const metadata = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
const messageOf = (schema: typeof createScheduleRequestSchema | typeof updateScheduleRequestSchema, input: unknown) => {
  try {
    parseOrThrow(schema, input);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRequestError);
    return (error as Error).message;
  }
  return undefined;
};

describe('schedule requests', () => {
  it('defaults timezone to UTC and enabled to true', () => {
    expect(parseOrThrow(createScheduleRequestSchema, { schedule_expression: 'rate(1 day)', job })).toMatchObject({ timezone: 'UTC', enabled: true });
  });

  it('keeps room in the template metadata for schedule_id', () => {
    expect(messageOf(createScheduleRequestSchema, { schedule_expression: 'rate(1 day)', job: { ...job, metadata: metadata(9) } })).toBeUndefined();
    expect(messageOf(createScheduleRequestSchema, { schedule_expression: 'rate(1 day)', job: { ...job, metadata: { ...metadata(9), schedule_id: 'x' } } })).toBeUndefined();
    expect(messageOf(createScheduleRequestSchema, { schedule_expression: 'rate(1 day)', job: { ...job, metadata: metadata(10) } })).toMatch(
      /^job\.metadata: must have at most 9 keys in a schedule template/,
    );
  });

  it('names the template field and the expression rule', () => {
    expect(messageOf(createScheduleRequestSchema, { schedule_expression: 'rate(1 day)', job: { files: [{ url: 'nope' }] } })).toBe(
      'job.files[0].url: must be an http or https URL, or s3://<bucket_name>/<key>',
    );
    expect(messageOf(updateScheduleRequestSchema, { schedule_expression: 'cron(0 3 L * ? *)' })).toBe('schedule_expression: day-of-month: L, W and # are not supported');
    expect(messageOf(updateScheduleRequestSchema, { timezone: 'Nowhere/Else' })).toMatch(/^timezone: must be an IANA time zone/);
    expect(messageOf(updateScheduleRequestSchema, { tenant_id: 'x' })).toBe('tenant_id: unknown field');
  });
});
