import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dynamoJobStore } from '../../lambdas/adapters/job-store';
import { eventBridgeStatusPublisher } from '../../lambdas/adapters/status-events';
import type { Job } from '../../lambdas/core/jobs/model';

const dynamo = mockClient(DynamoDBDocumentClient);
const events = mockClient(EventBridgeClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));

const job = { id: 'j1', tenant_id: 'acme', status: 'processing', zip_count: 2, total_size: null, expires_at: '2026-05-01T00:00:00.000Z', created_at: '2026-04-22T10:00:00.000Z' } as unknown as Job;

beforeAll(() => {
  process.env.ZIPJOBS_QUIET = 'true';
});
beforeEach(() => {
  dynamo.reset();
  events.reset();
  // A transition reads the job's tenant first (for the status index's key).
  dynamo.on(GetCommand).resolves({ Item: { tenant_id: 'acme' } });
});

function recordingStore() {
  const heard: [string, string | null, number, number | null][] = [];
  const store = dynamoJobStore(client, 't', async (j, previous) => {
    heard.push([j.status, previous, j.zip_count, j.total_size]);
  });
  return { store, heard };
}

describe('status changes from the job store', () => {
  it('hears a transition with the status it came from and the job after it', async () => {
    dynamo.on(UpdateCommand).resolves({ Attributes: { pk: 'JOB#j1', sk: 'JOB', ...job } });
    const { store, heard } = recordingStore();
    expect(await store.transitionJob('j1', ['pending', 'processing'], 'completed', { total_size: 123 })).toBe(true);
    expect(heard).toEqual([['completed', 'processing', 2, 123]]);
    expect(dynamo.commandCalls(UpdateCommand)[0]!.args[0].input.ReturnValues).toBe('ALL_OLD');
  });

  it('hears nothing when the transition does not happen, or changes nothing', async () => {
    const { store, heard } = recordingStore();
    dynamo.on(UpdateCommand).rejectsOnce(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));
    expect(await store.transitionJob('j1', ['pending'], 'processing')).toBe(false);
    dynamo.on(UpdateCommand).resolves({ Attributes: { ...job } });
    expect(await store.transitionJob('j1', ['processing'], 'processing')).toBe(true);
    expect(heard).toEqual([]);
  });

  it('hears a creation as a change from null, and not a duplicate one', async () => {
    const { store, heard } = recordingStore();
    dynamo.on(PutCommand).resolvesOnce({});
    expect(await store.createJob({ ...job, status: 'pending', zip_count: 0 })).toBe(true);
    // The job's own put is the conditional one (its unfinished marker is written first, unconditionally).
    dynamo.on(PutCommand, { ConditionExpression: 'attribute_not_exists(pk)' }).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    expect(await store.createJob({ ...job, status: 'pending' })).toBe(false);
    expect(heard).toEqual([['pending', null, 0, null]]);
  });
});

describe('EventBridge publisher', () => {
  const publisher = eventBridgeStatusPublisher(new EventBridgeClient({ region: 'us-east-1' }), 'zipjobs-bus');

  it('puts "Job Status Changed" from source zipjobs on the bus', async () => {
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
    await publisher({ ...job, status: 'completed', total_size: 9 }, 'processing');
    const [entry] = events.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries!;
    expect(entry).toMatchObject({ EventBusName: 'zipjobs-bus', Source: 'zipjobs', DetailType: 'Job Status Changed' });
    expect(JSON.parse(entry!.Detail!)).toEqual({
      job_id: 'j1',
      tenant_id: 'acme',
      status: 'completed',
      previous_status: 'processing',
      zip_count: 2,
      total_size: 9,
    });
  });

  it('never fails the status change: a refused or failed put is only logged', async () => {
    events.on(PutEventsCommand).rejects(new Error('throttled'));
    await expect(publisher(job, 'pending')).resolves.toBeUndefined();
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });
    await expect(publisher(job, 'pending')).resolves.toBeUndefined();
  });
});
