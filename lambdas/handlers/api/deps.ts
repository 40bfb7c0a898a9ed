import { secretsClient, sfnClient } from '../../adapters/aws-clients';
import { secretSigningKeys } from '../../adapters/signing-keys';
import { sfnWorkflowStarter } from '../../adapters/workflow-starter';
import { loadEnv } from '../../env';

export { storageDeps } from '../deps';

export function workflowStarter() {
  return sfnWorkflowStarter(sfnClient(), loadEnv(['STATE_MACHINE_ARN']).STATE_MACHINE_ARN);
}

export function signingKeys() {
  return secretSigningKeys(secretsClient(), loadEnv(['TOKEN_SECRET_ARN']).TOKEN_SECRET_ARN);
}
