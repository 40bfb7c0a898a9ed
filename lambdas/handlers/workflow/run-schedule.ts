import { z } from 'zod';
import { dynamoClient } from '../../adapters/aws-clients';
import { dynamoScheduleStore } from '../../adapters/schedule-store';
import { parsePlans } from '../../core/plans';
import { loadEnv } from '../../env';
import { functionEnv } from '../../function-env';
import { runSchedule } from '../../usecases/schedules';
import { createJobDeps } from '../api/deps';
import { invocation } from '../invocation';
import { dynamoApiKeyStore } from '../../adapters/api-key-store';

const env = loadEnv(functionEnv.RunSchedule);
const deps = {
  schedules: dynamoScheduleStore(dynamoClient(), env.TABLE_NAME),
  // The very deps POST /jobs uses: a run is a normal job creation.
  createJob: createJobDeps(env),
  keys: dynamoApiKeyStore(dynamoClient(), env.TABLE_NAME),
  plans: parsePlans(env.PLANS),
  now: () => new Date(),
};

/** EventBridge Scheduler's input (see adapters/scheduler.ts); `scheduled_time` is its context attribute. */
const input = z.object({ schedule_id: z.string().min(1), scheduled_time: z.string().min(1).optional() });

/** Target of every schedule: one run. Returns a typed outcome; throws only on faults (Scheduler then retries). */
export const handler = invocation(async (event: unknown) => {
  const { schedule_id, scheduled_time } = input.parse(event);
  return runSchedule(deps, schedule_id, scheduled_time);
});
