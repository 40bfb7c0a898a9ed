import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { BucketCredentials } from '../core/buckets/model';

/**
 * Access keys of tenants' buckets, one secret per configured bucket, named
 * `<prefix><tenant>/<bucket name>` so that IAM can scope every grant to the
 * prefix. The value never leaves this module but to sign requests.
 */
export interface CredentialStore {
  /** The secret's name for a bucket (stored on the bucket's record). */
  secretName(tenantId: string, name: string): string;
  put(secretName: string, credentials: BucketCredentials): Promise<void>;
  get(secretName: string): Promise<BucketCredentials>;
  delete(secretName: string): Promise<void>;
}

// Secret names allow letters, digits and /_+=.@-; anything else in a tenant id is replaced.
const safe = (text: string) => text.replace(/[^A-Za-z0-9/_+=.@-]/g, '_');

export function secretsCredentialStore(client: SecretsManagerClient, prefix: string): CredentialStore {
  return {
    secretName: (tenantId, name) => `${prefix}${safe(tenantId)}/${safe(name)}`,
    async put(secretName, credentials) {
      const SecretString = JSON.stringify(credentials);
      try {
        await client.send(new CreateSecretCommand({ Name: secretName, SecretString, Description: 'zipjobs: access keys of a tenant bucket' }));
      } catch (error) {
        if ((error as { name?: string }).name !== 'ResourceExistsException') throw error;
        await client.send(new PutSecretValueCommand({ SecretId: secretName, SecretString }));
      }
    },
    async get(secretName) {
      const out = await client.send(new GetSecretValueCommand({ SecretId: secretName }));
      const value = JSON.parse(out.SecretString ?? '{}') as Partial<BucketCredentials>;
      if (!value.access_key_id || !value.secret_access_key) throw new Error(`secret ${secretName} holds no access keys`);
      return { access_key_id: value.access_key_id, secret_access_key: value.secret_access_key };
    },
    async delete(secretName) {
      await client.send(new DeleteSecretCommand({ SecretId: secretName, ForceDeleteWithoutRecovery: true })).catch((error: { name?: string }) => {
        if (error.name !== 'ResourceNotFoundException') throw error;
      });
    },
  };
}
