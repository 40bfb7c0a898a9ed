import { secretsClient } from '../../adapters/aws-clients';
import { secretSigningKeys } from '../../adapters/signing-keys';
import { loadEnv } from '../../env';

export { sourceFetchOptions, storageDeps, workflowStarter } from '../deps';

export function signingKeys() {
  return secretSigningKeys(secretsClient(), loadEnv(['TOKEN_SECRET_ARN']).TOKEN_SECRET_ARN);
}
