import { z } from 'zod';
import { createJobRequestSchema } from '../jobs/create-request';
import { LIMITS } from '../jobs/limits';
import { isValidTimeZone, parseScheduleExpression } from './expression';

/** The metadata key every run's job gains (docs/API.md, "Schedules"). */
export const SCHEDULE_ID_METADATA_KEY = 'schedule_id';

const expression = z.string({ error: 'must be a string' }).superRefine((text, ctx) => {
  const parsed = parseScheduleExpression(text);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error });
});

const timezone = z
  .string({ error: 'must be a string' })
  .refine(isValidTimeZone, { error: 'must be an IANA time zone such as "Europe/Paris" or "UTC"' });

/**
 * A run adds `schedule_id` to the template's metadata, so a template may use
 * at most 9 other keys (a `schedule_id` of its own is overwritten).
 */
const jobTemplate = createJobRequestSchema.superRefine((job, ctx) => {
  const keys = Object.keys(job.metadata ?? {}).filter((k) => k !== SCHEDULE_ID_METADATA_KEY);
  if (keys.length > LIMITS.maxMetadataKeys - 1) {
    ctx.addIssue({
      code: 'custom',
      path: ['metadata'],
      message: `must have at most ${LIMITS.maxMetadataKeys - 1} keys in a schedule template (each run adds ${SCHEDULE_ID_METADATA_KEY})`,
    });
  }
});

const name = z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }).max(128, { error: 'must be at most 128 characters' });

/** `POST /schedules`. */
export const createScheduleRequestSchema = z.strictObject(
  {
    name: name.optional(),
    schedule_expression: expression,
    timezone: timezone.default('UTC'),
    enabled: z.boolean({ error: 'must be true or false' }).default(true),
    job: jobTemplate,
  },
  { error: 'the body must be a JSON object' },
);

/** `PATCH /schedules/{id}`: any of the create fields. */
export const updateScheduleRequestSchema = z.strictObject(
  {
    name: name.optional(),
    schedule_expression: expression.optional(),
    timezone: timezone.optional(),
    enabled: z.boolean({ error: 'must be true or false' }).optional(),
    job: jobTemplate.optional(),
  },
  { error: 'the body must be a JSON object' },
);

export type CreateScheduleRequest = z.infer<typeof createScheduleRequestSchema>;
export type UpdateScheduleRequest = z.infer<typeof updateScheduleRequestSchema>;
