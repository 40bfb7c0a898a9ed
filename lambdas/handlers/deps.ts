import { s3BlobStore } from '../adapters/blob-store';
import { dynamoClient, s3Client } from '../adapters/aws-clients';
import { dynamoJobStore } from '../adapters/job-store';
import { loadEnv } from '../env';

/** The table and bucket, built once per container. */
export function storageDeps() {
  const env = loadEnv(['TABLE_NAME', 'BUCKET_NAME']);
  return {
    store: dynamoJobStore(dynamoClient(), env.TABLE_NAME),
    blobs: s3BlobStore(s3Client(), env.BUCKET_NAME),
    now: () => new Date(),
  };
}
