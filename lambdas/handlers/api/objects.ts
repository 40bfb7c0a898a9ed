import { dynamoClient } from '../../adapters/aws-clients';
import { s3ObjectCatalog } from '../../adapters/object-catalog';
import { dynamoObjectIdStore } from '../../adapters/object-id-store';
import { dynamoPaketStore } from '../../adapters/paket-store';
import { NotFoundError } from '../../core/errors';
import { loadEnv } from '../../env';
import { functionEnv } from '../../function-env';
import { getPaket, listObjects, putPaket } from '../../usecases/objects';
import { apiHandler } from '../http/api-handler';
import { success } from '../http/responses';
import { tenantBucketDeps, tenantBucketResolver } from '../tenant-buckets';
import { apiAccess } from './deps';

const env = loadEnv(functionEnv.Objects);
const tenantBuckets = tenantBucketDeps(env);
const deps = {
  pakets: dynamoPaketStore(dynamoClient(), env.TABLE_NAME),
  buckets: tenantBuckets.buckets,
  ids: dynamoObjectIdStore(dynamoClient(), env.TABLE_NAME),
  open: tenantBucketResolver(tenantBuckets),
  catalog: s3ObjectCatalog,
  now: () => new Date(),
};

/** `GET /objects`, `GET /settings/paket`, `PUT /settings/paket`. */
export const handler = apiHandler(apiAccess(env), async ({ event, body, tenant }) => {
  switch (`${event.httpMethod} ${event.resource}`) {
    case 'GET /objects':
      return success(200, await listObjects(deps, tenant.id, event.queryStringParameters ?? {}));
    case 'GET /settings/paket':
      return success(200, await getPaket(deps, tenant.id));
    case 'PUT /settings/paket':
      return success(200, await putPaket(deps, tenant.id, body ?? {}));
    default:
      throw new NotFoundError('no such route');
  }
});
