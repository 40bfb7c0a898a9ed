import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { FunctionName } from '../functions';
import type { HouseFunction } from './house-function';
import { objectsUnder } from './storage';

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
 * Who may touch what, in one place, granted by intent. The API functions can
 * never write a ZIP, only the download functions (and Notify, whose body
 * carries download links, and ListJobs, for its cursors) can read the signing
 * keys, only CreateJob, RetryJob, WorkflowEnded and SweepJobs (and the state machine) start runs, only
 * status-changing functions can put events, and Health touches no data at all.
 */
export function grantLeastPrivilege({ functions: f, table, bucket, tokenSecret, stateMachine, bus }: AccessProps): void {
  // Expiry: reads the job and its ZIPs, deletes the expired job's objects and, at the end of its history, its ZIP records.
  table.grantReadWriteData(f.ExpireJobs);
  for (const prefix of ['zips/', 'manifests/', 'bins/', 'checkpoints/', 'crcs/'] as const) bucket.grantDelete(f.ExpireJobs, objectsUnder(prefix));
  // A checkpoint names its binary part, which changes with every save.
  bucket.grantRead(f.ExpireJobs, objectsUnder('checkpoints/'));

  // API: CreateJob stores the manifest and the job, then starts the workflow; it checks
  // that a files_from upload exists (HeadObject needs s3:GetObject).
  table.grantReadWriteData(f.CreateJob);
  bucket.grantPut(f.CreateJob, objectsUnder('manifests/'));
  bucket.grantRead(f.CreateJob, objectsUnder('uploads/'));

  // API: CreateUpload presigns a PUT under uploads/ (the URL carries its permissions) and touches nothing else.
  table.grantReadData(f.CreateUpload);
  bucket.grantPut(f.CreateUpload, objectsUnder('uploads/'));
  stateMachine.grantStartExecution(f.CreateJob);

  // API: reading a job and downloading presign GETs on ZIPs (a presigned URL
  // carries the signer's permissions); GetJob also reads the manifest.
  for (const fn of [f.GetJob, f.Download]) {
    table.grantReadData(fn);
    bucket.grantRead(fn, objectsUnder('zips/'));
    tokenSecret.grantRead(fn);
  }
  bucket.grantRead(f.GetJob, objectsUnder('manifests/'));
  // A stream ZIP's download reads its bin and keeps the CRC-32s it learns,
  // and counts the bytes it sent against the tenant's month (USAGE#<tenant> items);
  // every download counts against its link's rate (DLRATE#<link hash> items).
  bucket.grantRead(f.Download, objectsUnder('bins/'));
  bucket.grantRead(f.Download, objectsUnder('crcs/'));
  bucket.grantPut(f.Download, objectsUnder('crcs/'));
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

  // Prepare turns the manifest into bins, saving probe outcomes in checkpoints/ when probing
  // spans several runs; a fresh re-pack (retry) drops the earlier run's surplus ZIPs, bins and
  // checkpoints (reading a checkpoint to find its binary part).
  bucket.grantRead(f.Prepare, objectsUnder('manifests/'));
  // A files_from job's uploaded list becomes its manifest once checked.
  bucket.grantRead(f.Prepare, objectsUnder('uploads/'));
  bucket.grantPut(f.Prepare, objectsUnder('manifests/'));
  bucket.grantPut(f.Prepare, objectsUnder('bins/'));
  bucket.grantReadWrite(f.Prepare, objectsUnder('checkpoints/'));
  for (const prefix of ['zips/', 'bins/', 'checkpoints/'] as const) bucket.grantDelete(f.Prepare, objectsUnder(prefix));

  // BuildZip streams a bin into a multipart upload and checkpoints its progress.
  bucket.grantRead(f.BuildZip, objectsUnder('bins/'));
  bucket.grantReadWrite(f.BuildZip, objectsUnder('checkpoints/'));
  bucket.grantPut(f.BuildZip, objectsUnder('zips/')); // PutObject covers Create/UploadPart/Complete; Abort* included

  // MarkZipFailed reads a failed ZIP's checkpoint and bin to abort its upload in a tenant's bucket.
  bucket.grantRead(f.MarkZipFailed, objectsUnder('checkpoints/'));
  bucket.grantRead(f.MarkZipFailed, objectsUnder('bins/'));

  // WorkflowEnded fails the job of an execution that ended early (and its ZIPs), and starts its webhook again.
  table.grantReadWriteData(f.WorkflowEnded);
  stateMachine.grantStartExecution(f.WorkflowEnded);

  // The sweeper asks whether a job's execution still runs, and then does what WorkflowEnded does.
  table.grantReadWriteData(f.SweepJobs);
  stateMachine.grantExecution(f.SweepJobs, 'states:DescribeExecution');
  stateMachine.grantStartExecution(f.SweepJobs);

  // Job status events: only the functions that change a job's status publish.
  for (const fn of [f.CreateJob, f.Prepare, f.Finalize, f.MarkFailed, f.WorkflowEnded, f.SweepJobs]) bus.grantPutEventsTo(fn);

  // Notify reads the job (with its manifest, for the body) and the tenant's
  // secret, records the delivery, and signs the download links in the body.
  table.grantReadWriteData(f.Notify);
  bucket.grantRead(f.Notify, objectsUnder('manifests/'));
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
