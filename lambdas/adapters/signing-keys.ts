import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { parseSigningKeys, type SigningKeys } from '../core/tokens';

const CACHE_MS = 5 * 60 * 1000;

/** Download-token keys from Secrets Manager, cached per container for a few minutes so rotation takes effect. */
export function secretSigningKeys(client: SecretsManagerClient, secretArn: string, now: () => number = Date.now) {
  let cached: { keys: SigningKeys; at: number } | undefined;
  return async (): Promise<SigningKeys> => {
    if (cached && now() - cached.at < CACHE_MS) return cached.keys;
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    if (!out.SecretString) throw new Error('token secret has no string value');
    cached = { keys: parseSigningKeys(out.SecretString), at: now() };
    return cached.keys;
  };
}
