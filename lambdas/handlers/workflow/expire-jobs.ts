import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { log } from '../../adapters/log';
import { deleteExpiredJobObjects } from '../../usecases/expire-job';
import { storageDeps } from '../deps';

const deps = storageDeps();
const store = { ...deps, objects: deps.blobs };

/**
 * The table's stream, filtered to TTL deletions of jobs' expiry markers
 * (`JOB#<id>` / `EXPIRY`): deletes each expired job's objects. Failures are
 * reported per record so only those are retried.
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const failures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    const pk = record.dynamodb?.Keys?.pk?.S ?? '';
    if (record.eventName !== 'REMOVE' || record.dynamodb?.Keys?.sk?.S !== 'EXPIRY' || !pk.startsWith('JOB#')) continue;
    try {
      const deleted = await deleteExpiredJobObjects(store, pk.slice('JOB#'.length));
      log.info('expired job cleaned up', { job_id: pk.slice(4), objects: deleted });
    } catch (error) {
      log.error('expired job cleanup failed', { job_id: pk.slice(4), error });
      failures.push({ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' });
    }
  }
  return { batchItemFailures: failures };
};
