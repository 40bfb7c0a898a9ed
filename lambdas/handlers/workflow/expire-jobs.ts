import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { EXPIRY_SORT_KEY, JOB_SORT_KEY, jobIdOfPartition } from '../../adapters/job-keys';
import { log } from '../../adapters/log';
import { deleteExpiredJobObjects } from '../../usecases/expire-job';
import { loadEnv } from '../../env';
import { functionEnv } from '../../function-env';
import { dynamoClient } from '../../adapters/aws-clients';
import { dynamoJobExpiry } from '../../adapters/job-expiry';
import { storageDeps } from '../deps';
import { invocation } from '../invocation';

const env = loadEnv(functionEnv.ExpireJobs);
const deps = storageDeps(env);
const expiry = dynamoJobExpiry(dynamoClient(), env.TABLE_NAME);
const store = { ...deps, objects: deps.blobs };

/**
 * The table's stream, filtered to TTL deletions: a job's expiry marker
 * (`JOB#<id>` / `EXPIRY`, at expires_at) deletes its objects; the job record
 * itself (30 days later) takes its remaining records with it. Failures are
 * reported per record so only those are retried.
 */
export const handler = invocation(async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const failures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    const pk = record.dynamodb?.Keys?.pk?.S ?? '';
    const sk = record.dynamodb?.Keys?.sk?.S;
    const jobId = jobIdOfPartition(pk);
    if (record.eventName !== 'REMOVE' || jobId === undefined || (sk !== EXPIRY_SORT_KEY && sk !== JOB_SORT_KEY)) continue;
    try {
      if (sk === EXPIRY_SORT_KEY) {
        const deleted = await deleteExpiredJobObjects(store, jobId);
        log.info('expired job cleaned up', { job_id: jobId, objects: deleted });
      } else {
        await expiry.deleteJobRecords(jobId);
      }
    } catch (error) {
      log.error('expired job cleanup failed', { job_id: jobId, error });
      failures.push({ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' });
    }
  }
  return { batchItemFailures: failures };
});
