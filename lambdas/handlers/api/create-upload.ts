import { createUpload } from '../../usecases/uploads';
import { apiHandler } from '../http/api-handler';
import { success } from '../http/responses';
import { apiKeys, storageDeps } from './deps';

const deps = storageDeps();

export const handler = apiHandler(apiKeys(), async ({ tenant }) => success(201, await createUpload(deps, tenant.id)));
