import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption, StreamViewType } from 'aws-cdk-lib/aws-dynamodb';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** The bucket's key prefixes (see `objectKeys` in lambdas/core/jobs/model.ts). */
export const bucketPrefixes = ['manifests/', 'bins/', 'checkpoints/', 'zips/', 'crcs/', 'uploads/'] as const;
export type BucketPrefix = (typeof bucketPrefixes)[number];

/** The IAM resource pattern for every object under a prefix. */
export const objectsUnder = (prefix: BucketPrefix) => `${prefix}*`;

export interface StorageProps {
  /** Development stack: the table and bucket are destroyed (and emptied) with it. */
  readonly dev?: boolean;
  /**
   * Days after which S3 deletes any object under the service's prefixes. A
   * safety net only: the service expires jobs itself, so keep this above the
   * longest `expires_in` a plan allows.
   * @default 31
   */
  readonly expireObjectsAfterDays?: number;
}

/** The single DynamoDB table and the single S3 bucket, protected outside dev. */
export class Storage extends Construct {
  readonly table: Table;
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: StorageProps = {}) {
    super(scope, id);
    const dev = props.dev ?? false;
    const removalPolicy = dev ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    this.table = new Table(this, 'Table', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'ttl',
      // TTL deletions reach the ExpireJobs function through the stream (keys are all it needs).
      stream: StreamViewType.KEYS_ONLY,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: !dev,
      removalPolicy,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: 'gsi1',
      partitionKey: { name: 'gsi1pk', type: AttributeType.STRING },
      sortKey: { name: 'gsi1sk', type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
    // A tenant's jobs of one status, newest first: gsi2pk (TENANT#<tenant>#<status>) is rewritten with every status change.
    this.table.addGlobalSecondaryIndex({
      indexName: 'gsi2',
      partitionKey: { name: 'gsi2pk', type: AttributeType.STRING },
      sortKey: { name: 'gsi1sk', type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });

    const expiration = Duration.days(props.expireObjectsAfterDays ?? 31);
    // Server access logs are out of scope: they would need a second bucket;
    // CloudTrail data events are the better tool if an audit trail is needed.
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      encryption: BucketEncryption.S3_MANAGED,
      versioned: false,
      lifecycleRules: [
        // BuildZip's multipart uploads live at most one state machine run (24 h).
        { id: 'abort-incomplete-multipart-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        ...bucketPrefixes.map((prefix) => ({
          id: `expire-${prefix.slice(0, -1)}`,
          prefix,
          // Uploaded file lists are read when their job is prepared, right after it is created.
          expiration: prefix === 'uploads/' ? Duration.days(1) : expiration,
        })),
      ],
      removalPolicy,
      autoDeleteObjects: dev,
    });
  }
}
