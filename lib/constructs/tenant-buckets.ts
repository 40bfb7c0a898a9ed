import { ArnFormat, Aws, Stack } from 'aws-cdk-lib';
import { CompositePrincipal, PolicyStatement, Role, type IRole } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { HouseFunction } from './house-function';

export interface TenantBucketsProps {
  /** Functions that open tenants' buckets: they may assume the role and read the buckets' keys. */
  readonly users: readonly HouseFunction[];
  /** The function that configures buckets: it also creates, updates and deletes the keys' secrets. */
  readonly manager: HouseFunction;
}

/** Actions on a tenant's objects: write a ZIP (multipart), presign its download, delete the configuration probe. */
export const TENANT_OBJECT_ACTIONS = ['s3:PutObject', 's3:AbortMultipartUpload', 's3:GetObject', 's3:DeleteObject'] as const;

/**
 * Tenants' own buckets. S3 buckets are written through one role, whose ARN
 * users paste into their bucket policy: its own policy reaches no bucket of
 * this account (the `s3:ResourceAccount` condition), so every bucket, the
 * stack's own included, is reachable only when its policy names the role.
 * Keys of R2 and other endpoints live in Secrets Manager under one name
 * prefix, to which every grant is scoped.
 */
export class TenantBuckets extends Construct {
  readonly role: IRole;
  /** `<prefix>` of the secrets' names: `<prefix><tenant>/<bucket name>`. */
  readonly secretPrefix: string;

  /** Known before the construct exists, so functions created first can be told it. */
  static readonly secretPrefix = `zipjobs/${Aws.STACK_NAME}/buckets/`;

  constructor(scope: Construct, id: string, props: TenantBucketsProps) {
    super(scope, id);
    this.secretPrefix = TenantBuckets.secretPrefix;
    const users = [...props.users, props.manager];
    const role = new Role(this, 'Role', {
      description: 'zipjobs: writes ZIPs to tenants\' S3 buckets whose bucket policy grants this role',
      assumedBy: new CompositePrincipal(...users.map((u) => u.fn.role!)),
    });
    role.addToPolicy(
      new PolicyStatement({
        actions: [...TENANT_OBJECT_ACTIONS],
        resources: [`arn:${Aws.PARTITION}:s3:::*/*`],
        // Same-account buckets only through their bucket policy (which alone grants access there).
        conditions: { StringNotEquals: { 's3:ResourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    // Reading a paket: listing its objects and their versions, and reading any version.
    role.addToPolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket', 's3:ListBucketVersions'],
        resources: [`arn:${Aws.PARTITION}:s3:::*`],
        conditions: { StringNotEquals: { 's3:ResourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    role.addToPolicy(
      new PolicyStatement({
        actions: ['s3:GetObjectVersion'],
        resources: [`arn:${Aws.PARTITION}:s3:::*/*`],
        conditions: { StringNotEquals: { 's3:ResourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    this.role = role;
    for (const user of users) role.grantAssumeRole(user.fn.role!);

    const stack = Stack.of(this);
    const secrets = stack.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${this.secretPrefix}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    for (const user of users) {
      user.fn.addToRolePolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secrets] }));
    }
    props.manager.fn.addToRolePolicy(
      new PolicyStatement({ actions: ['secretsmanager:CreateSecret', 'secretsmanager:PutSecretValue', 'secretsmanager:DeleteSecret'], resources: [secrets] }),
    );
  }
}
