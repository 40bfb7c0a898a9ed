import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { traced } from './tracing';

/**
 * SDK clients, created once per container on first use. Endpoints come from
 * the SDK's standard `AWS_ENDPOINT_URL_<SERVICE>` variables, which is all the
 * local stack needs to point them at its stand-ins. Each is traced (X-Ray
 * subsegments per call) when the function runs with tracing on.
 */
let s3: S3Client | undefined;
let dynamo: DynamoDBDocumentClient | undefined;
let sfn: SFNClient | undefined;
let secrets: SecretsManagerClient | undefined;
let events: EventBridgeClient | undefined;
let scheduler: SchedulerClient | undefined;

export function s3Client(): S3Client {
  // Checksums only where required: multipart parts are patched and uploaded
  // out of order, and the local stand-in stores aws-chunked bodies verbatim.
  s3 ??= traced(new S3Client({ requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }));
  return s3;
}

export function dynamoClient(): DynamoDBDocumentClient {
  dynamo ??= DynamoDBDocumentClient.from(traced(new DynamoDBClient({})), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return dynamo;
}

export function sfnClient(): SFNClient {
  sfn ??= traced(new SFNClient({}));
  return sfn;
}

export function secretsClient(): SecretsManagerClient {
  secrets ??= traced(new SecretsManagerClient({}));
  return secrets;
}

export function eventBridgeClient(): EventBridgeClient {
  events ??= traced(new EventBridgeClient({}));
  return events;
}

export function schedulerClient(): SchedulerClient {
  scheduler ??= traced(new SchedulerClient({}));
  return scheduler;
}
