import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryItems } from './dynamo-paging';
import { MAX_RECORDED_RUNS, type Schedule, type ScheduleRun } from '../core/schedules/model';
import { withClientMetadata, withStoredMetadata } from './client-maps';
import { conditionally } from './dynamo-conditions';
import { scheduleIndexAttributes, scheduleKey, tenantSchedulesPartition } from './job-keys';

/** Schedules, in the one table. */
export interface ScheduleStore {
  put(schedule: Schedule): Promise<void>;
  get(id: string): Promise<Schedule | undefined>;
  /** The tenant's schedules, oldest first (from gsi1: eventually consistent). */
  list(tenantId: string): Promise<Schedule[]>;
  delete(id: string): Promise<void>;
  /** Prepends a run, keeping the last MAX_RECORDED_RUNS; false when the schedule is gone. */
  recordRun(id: string, run: ScheduleRun): Promise<boolean>;
}

const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk'];
const MAX_LIST = 1000;

function strip(item: Record<string, unknown>): Schedule {
  const out = { ...item };
  for (const k of KEY_ATTRIBUTES) delete out[k];
  const schedule = out as unknown as Schedule;
  return { ...schedule, job: withClientMetadata(schedule.job) };
}

export function dynamoScheduleStore(client: DynamoDBDocumentClient, table: string): ScheduleStore {
  return {
    async put(schedule) {
      await client.send(
        new PutCommand({
          TableName: table,
          Item: { ...scheduleKey(schedule.id), ...scheduleIndexAttributes(schedule), ...schedule, job: withStoredMetadata(schedule.job) },
        }),
      );
    },
    async get(id) {
      const out = await client.send(new GetCommand({ TableName: table, Key: scheduleKey(id), ConsistentRead: true }));
      return out.Item ? strip(out.Item) : undefined;
    },
    async list(tenantId) {
      const items = await queryItems(
        client,
        { TableName: table, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': tenantSchedulesPartition(tenantId) } },
        MAX_LIST,
      );
      return items.map(strip);
    },
    async delete(id) {
      await client.send(new DeleteCommand({ TableName: table, Key: scheduleKey(id) }));
    },
    async recordRun(id, run) {
      const current = await this.get(id);
      if (!current) return false;
      const runs = [run, ...current.runs].slice(0, MAX_RECORDED_RUNS);
      return conditionally(() =>
        client.send(
          new UpdateCommand({
            TableName: table,
            Key: scheduleKey(id),
            UpdateExpression: 'SET #runs = :runs',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#runs': 'runs' },
            ExpressionAttributeValues: { ':runs': runs },
          }),
        ),
      );
    },
  };
}
