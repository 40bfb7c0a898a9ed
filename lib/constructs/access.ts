import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
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
}

/**
 * Who may touch what, in one place, granted by intent. The API functions can
 * never write a ZIP, only the download functions can read the signing keys,
 * and Health touches no data at all.
 */
export function grantLeastPrivilege({ functions: f, table, bucket, tokenSecret, stateMachine }: AccessProps): void {
  // API: CreateJob stores the manifest and the job, then starts the workflow.
  table.grantReadWriteData(f.CreateJob);
  bucket.grantPut(f.CreateJob, objectsUnder('manifests/'));
  stateMachine.grantStartExecution(f.CreateJob);

  // API: reading a job and downloading presign GETs on ZIPs (a presigned URL
  // carries the signer's permissions); GetJob also reads the manifest.
  for (const fn of [f.GetJob, f.Download]) {
    table.grantReadData(fn);
    bucket.grantRead(fn, objectsUnder('zips/'));
    tokenSecret.grantRead(fn);
  }
  bucket.grantRead(f.GetJob, objectsUnder('manifests/'));

  // Workflow: every step records its progress in the table.
  for (const fn of [f.Prepare, f.BuildZip, f.MarkZipFailed, f.Finalize, f.MarkFailed]) table.grantReadWriteData(fn);

  // Prepare turns the manifest into bins.
  bucket.grantRead(f.Prepare, objectsUnder('manifests/'));
  bucket.grantPut(f.Prepare, objectsUnder('bins/'));

  // BuildZip streams a bin into a multipart upload and checkpoints its progress.
  bucket.grantRead(f.BuildZip, objectsUnder('bins/'));
  bucket.grantRead(f.BuildZip, objectsUnder('manifests/'));
  bucket.grantReadWrite(f.BuildZip, objectsUnder('checkpoints/'));
  bucket.grantPut(f.BuildZip, objectsUnder('zips/')); // PutObject covers Create/UploadPart/Complete; Abort* included
  f.BuildZip.fn.addToRolePolicy(
    // No CDK grant covers listing an upload's parts (used to resume after a lost checkpoint write).
    new PolicyStatement({ actions: ['s3:ListMultipartUploadParts'], resources: [bucket.arnForObjects(objectsUnder('zips/'))] }),
  );
}
