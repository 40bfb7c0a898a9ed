import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { FunctionName } from '../functions';
import type { HouseFunction } from './house-function';
import { objectsUnder, type BucketPrefix } from './storage';

export interface AccessProps {
  readonly functions: { readonly [N in FunctionName]: HouseFunction<N> };
  readonly table: ITable;
  readonly bucket: IBucket;
  readonly tokenSecret: ISecret;
  readonly stateMachine: IStateMachine;
  /** Job status changes go here. */
  readonly bus: IEventBus;
}

/**
 * A function's grants on resource patterns, which cdk-nag (AwsSolutions-IAM5)
 * flags one by one: objects under bucket prefixes, by CDK's grant-by-intent
 * action sets, and the state machine's executions. `grantLeastPrivilege`
 * grants exactly these and nag.ts suppresses exactly these.
 */
export interface PatternGrants {
  /** bucket.grantRead: s3:GetObject*, s3:GetBucket*, s3:List*. */
  readonly read?: readonly BucketPrefix[];
  /** bucket.grantPut: s3:PutObject (and its legal hold, retention, tagging) and s3:Abort* for multipart uploads. */
  readonly put?: readonly BucketPrefix[];
  /** bucket.grantDelete: s3:DeleteObject*. */
  readonly delete?: readonly BucketPrefix[];
  /** states:DescribeExecution on every execution of the state machine. */
  readonly describeExecutions?: true;
}

/** What a job is created with: the manifest, and a files_from upload it checks exists (HeadObject needs s3:GetObject). */
const creatingJobs: PatternGrants = { put: ['manifests/'], read: ['uploads/'] };

export const patternGrants: { readonly [N in FunctionName]?: PatternGrants } = {
  CreateJob: creatingJobs,
  // RunSchedule creates jobs exactly as CreateJob does (a template may name a files_from upload).
  RunSchedule: creatingJobs,
  // Presigns a PUT under uploads/ (the URL carries its permissions) and touches nothing else.
  CreateUpload: { put: ['uploads/'] },
  // Presigns GETs on ZIPs (a presigned URL carries the signer's permissions) and reads the manifest.
  GetJob: { read: ['zips/', 'manifests/'] },
  // Presigns GETs on ZIPs; a stream ZIP's download reads its bin and keeps the CRC-32s it learns.
  Download: { read: ['zips/', 'bins/', 'crcs/'], put: ['crcs/'] },
  // Turns the manifest (or a checked files_from upload) into bins, saving probe outcomes in checkpoints/
  // when probing spans several runs; a fresh re-pack (retry) drops the earlier run's surplus ZIPs, bins
  // and checkpoints (reading a checkpoint to find its binary part).
  Prepare: { read: ['manifests/', 'uploads/', 'checkpoints/'], put: ['manifests/', 'bins/', 'checkpoints/'], delete: ['zips/', 'bins/', 'checkpoints/'] },
  // Streams a bin into a multipart upload (PutObject covers Create/UploadPart/Complete; Abort* included) and checkpoints its progress.
  BuildZip: { read: ['bins/', 'checkpoints/'], put: ['checkpoints/', 'zips/'], delete: ['checkpoints/'] },
  // Reads a failed ZIP's checkpoint and bin to abort its upload in a tenant's bucket.
  MarkZipFailed: { read: ['checkpoints/', 'bins/'] },
  // Reads the job's manifest for the webhook body.
  Notify: { read: ['manifests/'] },
  // Deletes an expired job's objects; a checkpoint names its binary part, which changes with every save.
  ExpireJobs: { read: ['checkpoints/'], delete: ['zips/', 'manifests/', 'bins/', 'checkpoints/', 'crcs/'] },
  // Asks whether an unfinished job's execution still runs.
  SweepJobs: { describeExecutions: true },
};

/**
 * Who may touch what, in one place, granted by intent. The API functions can
 * never write a ZIP, only the download functions (and Notify, whose body
 * carries download links, and ListJobs, for its cursors) can read the signing
 * keys, only CreateJob, RetryJob, WorkflowEnded and SweepJobs (and the state machine) start runs, only
 * status-changing functions can put events, and Health touches no data at all.
 * Objects and executions: `patternGrants`.
 */
export function grantLeastPrivilege({ functions: f, table, bucket, tokenSecret, stateMachine, bus }: AccessProps): void {
  for (const [name, grants] of Object.entries(patternGrants) as [FunctionName, PatternGrants][]) {
    const fn = f[name];
    for (const prefix of grants.read ?? []) bucket.grantRead(fn, objectsUnder(prefix));
    for (const prefix of grants.put ?? []) bucket.grantPut(fn, objectsUnder(prefix));
    for (const prefix of grants.delete ?? []) bucket.grantDelete(fn, objectsUnder(prefix));
    if (grants.describeExecutions) stateMachine.grantExecution(fn, 'states:DescribeExecution');
  }

  // Expiry: reads the job and its ZIPs and, at the end of its history, deletes its ZIP records.
  table.grantReadWriteData(f.ExpireJobs);

  // API: CreateJob stores the manifest and the job, then starts the workflow.
  table.grantReadWriteData(f.CreateJob);
  stateMachine.grantStartExecution(f.CreateJob);
  table.grantReadData(f.CreateUpload);

  // API: reading a job and downloading sign links with the token keys.
  for (const fn of [f.GetJob, f.Download]) {
    table.grantReadData(fn);
    tokenSecret.grantRead(fn);
  }
  // A stream ZIP's download counts the bytes it sent against the tenant's month (USAGE#<tenant> items);
  // every download counts against its link's rate (DLRATE#<link hash> items).
  f.Download.fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['dynamodb:UpdateItem'],
      resources: [table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['USAGE#*', 'DLRATE#*'] } },
    }),
  );

  // API: ListJobs reads the table's indexes and signs its cursors with a key
  // derived from the token keys; it touches no object.
  table.grantReadData(f.ListJobs);
  tokenSecret.grantRead(f.ListJobs);

  // API: RetryJob moves a failed job back (conditional write), starts its next run and publishes the change.
  table.grantReadWriteData(f.RetryJob);
  stateMachine.grantStartExecution(f.RetryJob);
  bus.grantPutEventsTo(f.RetryJob);

  // Every keyed request counts against the tenant's rate window (RATE#<tenant> items,
  // lambdas/adapters/usage-store.ts): the read-only API functions may write those and nothing else.
  for (const fn of [f.GetJob, f.ListJobs, f.WebhookSettings, f.BucketSettings, f.Objects, f.CreateUpload]) {
    fn.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:UpdateItem'],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['RATE#*'] } },
      }),
    );
  }

  // Workflow: every step records its progress in the table.
  for (const fn of [f.Prepare, f.BuildZip, f.MarkZipFailed, f.Finalize, f.MarkFailed]) table.grantReadWriteData(fn);

  // WorkflowEnded fails the job of an execution that ended early (and its ZIPs), and starts its webhook again.
  table.grantReadWriteData(f.WorkflowEnded);
  stateMachine.grantStartExecution(f.WorkflowEnded);

  // The sweeper does what WorkflowEnded does for a job whose execution has ended.
  table.grantReadWriteData(f.SweepJobs);
  stateMachine.grantStartExecution(f.SweepJobs);

  // Job status events: only the functions that change a job's status publish.
  for (const fn of [f.CreateJob, f.Prepare, f.Finalize, f.MarkFailed, f.WorkflowEnded, f.SweepJobs]) bus.grantPutEventsTo(fn);

  // Notify reads the job and the tenant's secret, records the delivery, and signs the download links in the body.
  table.grantReadWriteData(f.Notify);
  tokenSecret.grantRead(f.Notify);

  // WebhookSettings and BucketSettings resolve API keys (reads) and write only tenants' own items
  // (TENANT#<id>: webhook settings, configured buckets).
  for (const [fn, actions] of [
    [f.WebhookSettings, ['dynamodb:PutItem', 'dynamodb:UpdateItem']],
    [f.BucketSettings, ['dynamodb:PutItem', 'dynamodb:DeleteItem']],
  ] as const) {
    table.grantReadData(fn);
    fn.fn.addToRolePolicy(
      // No CDK grant limits writes to one key prefix; the LeadingKeys condition does.
      new PolicyStatement({ actions: [...actions], resources: [table.tableArn], conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['TENANT#*'] } } }),
    );
  }

  // Objects reads the paket's settings and buckets, writes the paket item (TENANT#) and the
  // objects' ids (OBJKEY#, OBJID#: conditional puts, and deleting an id that lost a race).
  table.grantReadData(f.Objects);
  f.Objects.fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['dynamodb:PutItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem'],
      resources: [table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['TENANT#*', 'OBJKEY#*', 'OBJID#*'] } },
    }),
  );
}
