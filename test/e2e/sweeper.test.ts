/**
 * The sweeper: a job whose execution is lost behind its back (deleted from
 * the local Step Functions, so no end is ever reported and WorkflowEnded never
 * hears of it) is found by the next sweep and ends failed, with its webhook;
 * a job whose execution runs is left alone. The stack sweeps every 300 ms here
 * (15 minutes deployed) with a grace of 1 s (5 minutes).
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { unfinishedBackfillKey, unfinishedKey } from '../../lambdas/adapters/job-keys';
import { describe, expect, it } from 'vitest';
import { readZipWithYauzl } from '../support/zip-readers';
import { FaultServer } from './support/fault-server';
import { useLocalApi } from './support/use-local-api';
import { WebhookReceiver } from './support/webhook-receiver';

const sources = new FaultServer();
const receiver = new WebhookReceiver();
const api = useLocalApi([sources, receiver], { sweepIntervalMs: 300, sweepGraceSeconds: 1, waitTimeOverridesMs: { WebhookBackoff: 20 } });
const executionArn = (jobId: string) => `arn:aws:states:us-east-1:000000000000:execution:zipjobs-local:${jobId}-1`;

describe('the sweeper', () => {
  it("fails a job whose execution was lost, with its unfinished ZIP, and sends its webhook; a running job's is left alone", async () => {
    const lostHook = receiver.answer('/lost', [200]);
    const fineHook = receiver.answer('/fine', [200]);
    // About 5 s to send: the lost job is still building when its execution goes.
    const slow = sources.set('/slow.bin', { body: randomBytes(1536 * 1024), chunkSize: 64 * 1024, delayMs: 220 });
    const created = await api.request('POST', '/jobs', { body: { files: [{ url: slow }], webhook_url: lostHook } });
    expect(created.status).toBe(201);
    const lostId = created.body.job_id as string;
    await api.waitForJob(lostId, ['processing'], 10_000);

    // A job that takes a few sweeps to finish, which must leave it alone.
    const steady = sources.set('/steady.bin', { body: randomBytes(512 * 1024), chunkSize: 64 * 1024, delayMs: 250 });
    const fine = await api.request('POST', '/jobs', { body: { files: [{ url: steady }], webhook_url: fineHook } });
    const fineId = fine.body.job_id as string;

    api.stack.stepFunctions.deleteExecution(executionArn(lostId));
    const job = await api.waitForJob(lostId, ['completed', 'failed'], 15_000);
    expect(job.status).toBe('failed');
    expect(job.errors).toEqual([{ error: "the job's workflow execution was lost" }]);
    expect(job.zips).toMatchObject([{ status: 'failed', errors: [{ error: "the job's workflow execution was lost" }], download_url: null }]);

    const deadline = Date.now() + 15_000;
    while (receiver.to('/lost').length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(receiver.to('/lost').map((w) => JSON.parse(w.body))).toMatchObject([{ type: 'job.failed', data: { id: lostId, status: 'failed' } }]);
    // Sent by a notification of its own, as WorkflowEnded restarts one.
    expect(api.stack.stepFunctions.describeExecution(`${executionArn(lostId)}-notify`)).toMatchObject({ name: `${lostId}-1-notify` });

    const done = await api.waitForJob(fineId, ['completed', 'failed'], 20_000);
    expect(done.status).toBe('completed');
    const { bytes } = await api.download(done.download_url);
    expect((await readZipWithYauzl(bytes)).map((e) => e.name)).toEqual(['steady.bin']);
    // The job reads completed once Finalize is done; Notify sends the webhook after it. Both runs ended here.
    await api.stack.stepFunctions.idle();
    expect(receiver.to('/fine').map((w) => JSON.parse(w.body).type)).toEqual(['job.completed']);
    // The lost run's BuildZip, still going when the job failed, gave way.
    expect((await api.getJob(lostId)).body).toMatchObject({ status: 'failed', zips: [{ status: 'failed' }] });
  }, 60_000);

  it('marks, once, the unfinished jobs of a version without markers, and then ends a lost one', async () => {
    const table = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    const TableName = process.env.TABLE_NAME!;
    const slow = sources.set('/old.bin', { body: randomBytes(1536 * 1024), chunkSize: 64 * 1024, delayMs: 220 });
    const created = await api.request('POST', '/jobs', { body: { files: [{ url: slow }] } });
    const id = created.body.job_id as string;
    await api.waitForJob(id, ['processing'], 10_000);
    // As a job of an older version: no marker, and no backfill done yet; then its execution is lost.
    await table.send(new DeleteCommand({ TableName, Key: unfinishedKey(id) }));
    await table.send(new DeleteCommand({ TableName, Key: unfinishedBackfillKey }));
    api.stack.stepFunctions.deleteExecution(executionArn(id));
    const job = await api.waitForJob(id, ['completed', 'failed'], 15_000);
    expect(job.errors).toEqual([{ error: "the job's workflow execution was lost" }]);
    expect((await table.send(new GetCommand({ TableName, Key: unfinishedBackfillKey }))).Item).toMatchObject({ done: true });
  }, 60_000);
});
