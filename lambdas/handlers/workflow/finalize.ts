import { dynamoClient } from '../../adapters/aws-clients';
import { dynamoUsageStore } from '../../adapters/usage-store';
import { loadEnv } from '../../env';
import { finalize } from '../../usecases/workflow';
import { jobInput, storageDeps } from './deps';

const deps = { ...storageDeps(), usage: dynamoUsageStore(dynamoClient(), loadEnv(['TABLE_NAME']).TABLE_NAME) };

export const handler = async (event: unknown) => finalize(deps, jobInput.parse(event).job_id);
