import { markZipFailed } from '../../usecases/workflow';
import { jobInput, stepError, storageDeps, zipRef } from './deps';

const deps = storageDeps();
const input = jobInput.extend({ zip: zipRef, error: stepError });

export const handler = async (event: unknown) => {
  const { job_id, zip, error } = input.parse(event);
  await markZipFailed(deps, job_id, zip.sequence, error);
  return { job_id, zip, done: true };
};
