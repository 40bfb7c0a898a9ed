import { dynamoClient, schedulerClient } from '../../adapters/aws-clients';
import { dynamoJobStore } from '../../adapters/job-store';
import { dynamoScheduleStore } from '../../adapters/schedule-store';
import { eventBridgeScheduleTrigger } from '../../adapters/scheduler';
import { NotFoundError } from '../../core/errors';
import { loadEnv } from '../../env';
import { functionEnv } from '../../function-env';
import { createSchedule, deleteSchedule, getSchedule, listSchedules, updateSchedule } from '../../usecases/schedules';
import { apiHandler } from '../http/api-handler';
import { success } from '../http/responses';
import { apiAccess } from './deps';

const env = loadEnv(functionEnv.Schedules);
const store = dynamoJobStore(dynamoClient(), env.TABLE_NAME);
const deps = {
  schedules: dynamoScheduleStore(dynamoClient(), env.TABLE_NAME),
  trigger: eventBridgeScheduleTrigger(schedulerClient(), {
    groupName: env.SCHEDULE_GROUP_NAME,
    functionArn: env.RUN_SCHEDULE_FUNCTION_ARN,
    roleArn: env.SCHEDULER_ROLE_ARN,
    deadLetterArn: env.SCHEDULER_DEAD_LETTER_ARN,
  }),
  jobs: store,
  now: () => new Date(),
};

/** `/schedules` and `/schedules/{id}`: one small function for the five routes. */
export const handler = apiHandler(apiAccess(env), async ({ event, body, tenant }) => {
  const id = event.pathParameters?.id ?? '';
  switch (`${event.httpMethod} ${event.resource}`) {
    case 'POST /schedules':
      return success(201, { schedule_id: (await createSchedule(deps, tenant, body ?? {})).id });
    case 'GET /schedules':
      return success(200, { schedules: await listSchedules(deps, tenant.id) });
    case 'GET /schedules/{id}':
      return success(200, await getSchedule(deps, tenant.id, id));
    case 'PATCH /schedules/{id}':
      await updateSchedule(deps, tenant, id, body ?? {});
      return success(200, await getSchedule(deps, tenant.id, id));
    case 'DELETE /schedules/{id}':
      await deleteSchedule(deps, tenant.id, id);
      return success(200, { schedule_id: id });
    default:
      throw new NotFoundError('no such route');
  }
});
