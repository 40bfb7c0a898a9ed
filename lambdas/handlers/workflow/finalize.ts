import { dynamoClient } from '../../adapters/aws-clients';
import { dynamoUsageStore } from '../../adapters/usage-store';
import { loadEnv } from '../../env';
import { finalize } from '../../usecases/workflow/finalize';
import { jobInput, storageDeps } from './deps';
import { invocation } from '../invocation';

const deps = { ...storageDeps(), usage: dynamoUsageStore(dynamoClient(), loadEnv(['TABLE_NAME']).TABLE_NAME) };

export const handler = invocation(async (event: unknown) => finalize(deps, jobInput.parse(event).job_id));
