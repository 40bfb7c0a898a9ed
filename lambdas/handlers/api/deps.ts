import { dynamoApiKeyStore } from '../../adapters/api-key-store';
import { dynamoClient, secretsClient } from '../../adapters/aws-clients';
import { secretSigningKeys } from '../../adapters/signing-keys';
import { loadEnv } from '../../env';

export { sourceFetchOptions, storageDeps, workflowStarter } from '../deps';

/** The API keys every authenticated route checks its caller's key against. */
export function apiKeys() {
  return dynamoApiKeyStore(dynamoClient(), loadEnv(['TABLE_NAME']).TABLE_NAME);
}

export function signingKeys() {
  return secretSigningKeys(secretsClient(), loadEnv(['TOKEN_SECRET_ARN']).TOKEN_SECRET_ARN);
}
