import { RemovalPolicy } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface SecretsProps {
  /** Development stack: the secret is destroyed with it. */
  readonly dev?: boolean;
}

/**
 * The download-token signing keys, generated at deploy time and never seen by
 * anyone. The value is `{ active: 'k1', k1: '…' }`: a new key can be added and
 * made active by hand while old tokens still verify (no automatic rotation yet).
 */
export class Secrets extends Construct {
  readonly tokenSecret: Secret;

  constructor(scope: Construct, id: string, props: SecretsProps = {}) {
    super(scope, id);
    this.tokenSecret = new Secret(this, 'TokenSecret', {
      description: 'zipjobs: HMAC keys that sign download tokens',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ active: 'k1' }),
        generateStringKey: 'k1',
        passwordLength: 64,
        excludePunctuation: true,
      },
      // Losing the keys would invalidate every download link handed out.
      removalPolicy: props.dev ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
  }
}
