/**
 * A workflow execution that ends without success (its time limit, a stop)
 * still ends its job, and the job's webhook still goes out: the stack's rule
 * on Step Functions' status changes hands the execution to WorkflowEnded.
 */
import { SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { readZipWithYauzl } from '../support/zip-readers';
import { FaultServer } from './support/fault-server';
import { useLocalApi } from './support/use-local-api';
import { WebhookReceiver } from './support/webhook-receiver';

const sources = new FaultServer();
const receiver = new WebhookReceiver();
// Runs may last 5 s here (24 h deployed); webhook retries wait 20 ms.
const api = useLocalApi([sources, receiver], { executionTimeoutSeconds: 5, waitTimeOverridesMs: { WebhookBackoff: 20 } });

/** A source that takes about 7 s to send: longer than a run may last. */
const slowFile = (name: string) => sources.set(`/${name}`, { body: randomBytes(2 * 1024 * 1024), chunkSize: 64 * 1024, delayMs: 220 });
const fastFile = (name: string) => sources.set(`/${name}`, { body: Buffer.from('fine\n') });

async function webhookSettled(jobId: string, timeoutMs = 30_000): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = (await api.getJob(jobId)).body;
    if (job.webhook && job.webhook.status !== 'pending') return job;
    if (Date.now() > deadline) throw new Error(`webhook of ${jobId}: ${JSON.stringify(job.webhook)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Each workflow function loaded once first, so that the 5 s a run may last goes to the run, not to cold starts
// (under load, Prepare's could leave the timed-out job without its ZIP record).
beforeAll(async () => {
  const warm = await api.request('POST', '/jobs', { body: { files: [{ url: fastFile('warm.txt') }] } });
  expect((await api.waitForJob(warm.body.job_id as string, ['completed', 'failed'], 30_000)).status).toBe('completed');
  await api.stack.stepFunctions.idle();
});

describe('an execution that ends early', () => {
  it('fails the job of a run past its time limit, with its unfinished ZIP, and sends the job.failed webhook', async () => {
    const hook = receiver.answer('/timed-out', [503, 200]);
    const created = await api.request('POST', '/jobs', { body: { files: [{ url: fastFile('ok.txt') }, { url: slowFile('slow.bin') }], webhook_url: hook } });
    expect(created.status).toBe(201);
    const jobId = created.body.job_id as string;

    const job = await api.waitForJob(jobId, ['completed', 'failed'], 30_000);
    expect(job.status).toBe('failed');
    expect(job.errors).toEqual([{ error: 'the job timed out' }]);
    expect(job.completed_at).toEqual(expect.any(String));
    expect(job.zips).toMatchObject([{ sequence: 1, status: 'failed', errors: [{ error: 'the job timed out' }], download_url: null }]);

    // The restarted notification retries as the run's own would have.
    const settled = await webhookSettled(jobId);
    expect(settled.webhook).toMatchObject({ status: 'delivered', attempts: 2 });
    const bodies = receiver.to('/timed-out').map((w) => JSON.parse(w.body));
    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toMatchObject({ type: 'job.failed', data: { id: jobId, status: 'failed', errors: [{ error: 'the job timed out' }] } });
    expect(new Set(receiver.to('/timed-out').map((w) => w.headers['webhook-id'])).size).toBe(1);

    const statuses = api.stack.events.filter((e) => e.detail.job_id === jobId).map((e) => e.detail.status);
    expect(statuses.at(-1)).toBe('failed');
    const execution = api.stack.stepFunctions.describeExecution(`arn:aws:states:us-east-1:000000000000:execution:zipjobs-local:${jobId}-1`);
    expect(execution).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
  }, 60_000);

  it('fails the job of a run someone stopped (StopExecution), and a retry then completes it', async () => {
    const hook = receiver.answer('/stopped', [200]);
    const created = await api.request('POST', '/jobs', { body: { files: [{ url: slowFile('stopped.bin') }], webhook_url: hook } });
    const jobId = created.body.job_id as string;
    await api.waitForJob(jobId, ['processing'], 10_000);

    const sfn = new SFNClient({});
    await sfn.send(new StopExecutionCommand({ executionArn: `arn:aws:states:us-east-1:000000000000:execution:zipjobs-local:${jobId}-1` }));
    sfn.destroy();

    const job = await api.waitForJob(jobId, ['completed', 'failed'], 10_000);
    expect(job.errors).toEqual([{ error: 'the job was stopped' }]);
    expect(job.zips).toMatchObject([{ status: 'failed', errors: [{ error: 'the job was stopped' }] }]);
    expect((await webhookSettled(jobId)).webhook).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(JSON.parse(receiver.to('/stopped')[0]!.body)).toMatchObject({ type: 'job.failed', data: { id: jobId, status: 'failed' } });

    // Nothing was lost: a retry is a new run, which ends like any other. The
    // stopped run's BuildZip runs on meanwhile (as a Lambda does on AWS), and
    // must give way rather than finish its upload over the new ZIP.
    const quick = Buffer.from('quick now\n');
    sources.set('/stopped.bin', { body: quick });
    expect((await api.request('POST', `/jobs/${jobId}/retry`, { body: {} })).status).toBe(200);
    const retried = await api.waitForJob(jobId, ['completed', 'failed'], 30_000);
    expect(retried.status).toBe('completed');
    expect(retried.zips).toMatchObject([{ status: 'completed' }]);
    await api.stack.stepFunctions.idle(); // the stopped run's BuildZip has ended too
    const { bytes } = await api.download((await api.getJob(jobId)).body.download_url);
    expect(bytes.length).toBe(retried.zips[0].size);
    expect((await readZipWithYauzl(bytes)).map((e) => [e.name, e.data.toString()])).toEqual([['stopped.bin', quick.toString()]]);
  }, 60_000);
});
