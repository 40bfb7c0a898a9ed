import { loadEnv } from '../../env';
import { functionEnv } from '../../function-env';
import { createUpload } from '../../usecases/uploads';
import { apiHandler } from '../http/api-handler';
import { success } from '../http/responses';
import { apiAccess, storageDeps } from './deps';

const env = loadEnv(functionEnv.CreateUpload);
const deps = storageDeps(env);

export const handler = apiHandler(apiAccess(env), async ({ tenant }) => success(201, await createUpload(deps, tenant.id)));
