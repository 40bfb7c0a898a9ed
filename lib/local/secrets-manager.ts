import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { AwsServiceError, type Operation } from './aws-json-services';

interface StoredSecret {
  readonly arn: string;
  readonly value: string;
  readonly version: number;
}

const notFound = () => new AwsServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");

/**
 * Secrets Manager's calls as the handlers make them (create, put, get,
 * delete), over a JSON file in the data folder, readable by its owner only.
 * `fixed` secrets (the token keys) are served as given and cannot be changed.
 */
export function localSecretsManager(path: string, region: string, account: string, fixed: Readonly<Record<string, string>>): Record<string, Operation> {
  const arnOf = (name: string) => `arn:aws:secretsmanager:${region}:${account}:secret:${name}`;
  const load = (): Record<string, StoredSecret> => (existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, StoredSecret>) : {});
  const save = (all: Record<string, StoredSecret>) => writeFileSync(path, JSON.stringify(all), { mode: 0o600 });
  // A SecretId is a name or an ARN.
  const nameOf = (id: unknown) => {
    const text = String(id ?? '');
    const prefix = arnOf('');
    return text.startsWith(prefix) ? text.slice(prefix.length) : text;
  };
  const fixedByArn = new Map(Object.entries(fixed));
  const reply = (name: string, s: StoredSecret) => ({ ARN: s.arn, Name: name, VersionId: `v${s.version}` });
  return {
    'secretsmanager.GetSecretValue': (input) => {
      const id = String(input.SecretId ?? '');
      const value = fixedByArn.get(id);
      if (value !== undefined) return { ARN: id, Name: id.split(':').pop(), SecretString: value, VersionId: 'local' };
      const name = nameOf(id);
      const found = load()[name];
      if (!found) throw notFound();
      return { ...reply(name, found), SecretString: found.value };
    },
    'secretsmanager.CreateSecret': (input) => {
      const name = String(input.Name ?? '');
      const all = load();
      if (all[name]) throw new AwsServiceError('ResourceExistsException', `The operation failed because the secret ${name} already exists.`);
      all[name] = { arn: arnOf(name), value: String(input.SecretString ?? ''), version: 1 };
      save(all);
      return reply(name, all[name]);
    },
    'secretsmanager.PutSecretValue': (input) => {
      const name = nameOf(input.SecretId);
      const all = load();
      const found = all[name];
      if (!found) throw notFound();
      all[name] = { ...found, value: String(input.SecretString ?? ''), version: found.version + 1 };
      save(all);
      return reply(name, all[name]);
    },
    'secretsmanager.DeleteSecret': (input) => {
      const name = nameOf(input.SecretId);
      const all = load();
      const found = all[name];
      if (!found) throw notFound();
      delete all[name];
      save(all);
      return { ARN: found.arn, Name: name, DeletionDate: Date.now() / 1000 };
    },
  };
}
