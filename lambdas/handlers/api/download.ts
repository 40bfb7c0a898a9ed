import { resolveDownload } from '../../usecases/read-job';
import { publicHandler } from '../http/api-handler';
import { signingKeys, storageDeps } from './deps';

const deps = { ...storageDeps(), signingKeys: signingKeys() };

export const handler = publicHandler(async (event) => {
  const location = await resolveDownload(deps, event.pathParameters?.token ?? '');
  return { statusCode: 302, headers: { Location: location, 'Cache-Control': 'no-store' }, body: '' };
});
