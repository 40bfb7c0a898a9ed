import { dynamoClient } from '../../adapters/aws-clients';
import { dynamoUsageFlags } from '../../adapters/usage-flags';
import { dynamoUsageStore } from '../../adapters/usage-store';
import { loadEnv } from '../../env';
import { functionEnv } from '../../function-env';
import { finalize } from '../../usecases/workflow/finalize';
import { jobInput, storageDeps } from './deps';
import { invocation } from '../invocation';

const env = loadEnv(functionEnv.Finalize);
const deps = { ...storageDeps(env), storedUsage: { usage: dynamoUsageStore(dynamoClient(), env.TABLE_NAME), flags: dynamoUsageFlags(dynamoClient(), env.TABLE_NAME) } };

export const handler = invocation(async (event: unknown) => finalize(deps, jobInput.parse(event).job_id));
