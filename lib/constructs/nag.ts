import { AspectPriority, Aspects, type CfnElement, type IAspect, type Stack } from 'aws-cdk-lib';
import { NagSuppressions, type NagPackSuppression } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { functionSpecs } from '../functions';
import { patternGrants, type PatternGrants } from './access';
import { Api } from './api';
import { HouseFunction } from './house-function';
import { Secrets } from './secrets';
import { TenantBuckets } from './tenant-buckets';
import { Storage, type BucketPrefix } from './storage';
import { Workflow, workflowFunctionNames } from './workflow';

/**
 * Every cdk-nag (AwsSolutions) suppression of the stack, each with its reason,
 * in one place. Suppressions name the exact resource and, for the granular
 * rules (IAM4, IAM5), the exact finding (`appliesTo`); nothing is suppressed
 * stack-wide. What could be fixed was fixed instead (request validation and
 * execution logs on the API, a log-group-scoped role per function); the checks
 * run in test/infra/nag.test.ts.
 *
 * Applied by an aspect that runs before cdk-nag's (mutating priority) over the
 * finished tree, so functions added anywhere in the stack constructor are covered.
 */
export function addNagSuppressions(stack: Stack): void {
  const aspect: IAspect = { visit: (node) => node === stack && suppress(stack) };
  Aspects.of(stack).add(aspect, { priority: AspectPriority.MUTATING });
}

/** The wildcard actions (IAM5 findings) of each CDK object grant; s3:PutObject and its kin are exact and need none. */
const OBJECT_ACTIONS = { read: ['s3:GetObject*', 's3:GetBucket*', 's3:List*'], put: ['s3:Abort*'], delete: ['s3:DeleteObject*'] } as const;

/** The prefixes a function's grants reach, and the wildcard actions they hold there: exactly what access.ts grants. */
function objectFindings(grants: PatternGrants): { prefixes: BucketPrefix[]; actions: string[] } {
  const kinds = (['read', 'put', 'delete'] as const).filter((kind) => (grants[kind]?.length ?? 0) > 0);
  return { prefixes: [...new Set(kinds.flatMap((kind) => grants[kind]!))], actions: kinds.flatMap((kind) => OBJECT_ACTIONS[kind]) };
}

function only<T>(stack: Stack, type: abstract new (...args: any[]) => T): T[] {
  return stack.node.findAll().filter((c: IConstruct): c is IConstruct & T => c instanceof type);
}

function suppress(stack: Stack): void {
  const id = (c: IConstruct) => stack.getLogicalId(c.node.defaultChild as CfnElement);
  const [storage] = only(stack, Storage);
  const bucketArn = storage ? `<${id(storage.bucket)}.Arn>` : undefined;
  const tableArn = storage ? `<${id(storage.table)}.Arn>` : undefined;

  // Lambda functions (HouseFunction: its function, role and role policy).
  for (const house of only(stack, HouseFunction)) {
    const grants = objectFindings(patternGrants[house.name] ?? {});
    const suppressions: NagPackSuppression[] = [
      {
        id: 'AwsSolutions-L1',
        reason:
          'Node.js 22 (NODEJS_22_X) is the runtime the project targets: the handlers, bundling target (node22), local stack and tests all run on it; a runtime upgrade is a deliberate, tested change.',
      },
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'X-Ray active tracing needs xray:PutTraceSegments/PutTelemetryRecords, which support no resource-level permissions (and ExpireJobs\' stream event source needs dynamodb:ListStreams, likewise); nag.test.ts asserts that "*" statements hold nothing else.',
        appliesTo: ['Resource::*'],
      },
    ];
    if (tableArn) {
      suppressions.push({
        id: 'AwsSolutions-IAM5',
        reason: "CDK's table grants cover the table's own indexes (gsi1, gsi2), which the handlers query; no other table is reachable.",
        appliesTo: [`Resource::${tableArn}/index/*`],
      });
    }
    if ((functionSpecs[house.name].env as readonly string[]).includes('BUCKET_SECRET_PREFIX')) {
      suppressions.push({
        id: 'AwsSolutions-IAM5',
        reason:
          "Tenants' bucket keys are secrets created at run time, one per configured bucket, all named under the stack's own prefix (lib/constructs/tenant-buckets.ts); the grant reaches that prefix and nothing else.",
        appliesTo: [`Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:zipjobs/<AWS::StackName>/buckets/*`],
      });
    }
    if (grants.prefixes.length > 0 && bucketArn) {
      suppressions.push(
        {
          id: 'AwsSolutions-IAM5',
          reason: `Objects are keyed per job under fixed prefixes; ${house.name} is granted (lib/constructs/access.ts) only the prefixes it uses: ${grants.prefixes.join(', ')}.`,
          appliesTo: grants.prefixes.map((prefix) => `Resource::${bucketArn}/${prefix}*`),
        },
        {
          id: 'AwsSolutions-IAM5',
          reason:
            "CDK's grant-by-intent action sets (bucket.grantRead: s3:GetObject*, s3:GetBucket*, s3:List*; grantPut: s3:Abort* for multipart uploads; grantDelete: s3:DeleteObject*), each limited to the prefix resources above.",
          appliesTo: grants.actions.map((action) => `Action::${action}`),
        },
      );
    }
    NagSuppressions.addResourceSuppressions(house, suppressions, true);
  }

  // The state machine: its role and the Distributed Map's policy.
  for (const workflow of only(stack, Workflow)) {
    const machine = workflow.stateMachine;
    const machineId = id(machine);
    const machineName = JSON.stringify({ 'Fn::Select': [6, { 'Fn::Split': [':', { Ref: machineId }] }] });
    const invoked = only(stack, HouseFunction).filter((h) => (workflowFunctionNames as readonly string[]).includes(h.name));
    for (const describer of only(stack, HouseFunction).filter((h) => patternGrants[h.name]?.describeExecutions)) {
      NagSuppressions.addResourceSuppressions(
        describer,
        [
          {
            id: 'AwsSolutions-IAM5',
            reason:
              `${describer.name} asks whether a job's execution still runs (states:DescribeExecution, lib/constructs/access.ts); executions are named per job run, so the grant is execution:<this machine>:*, no other state machine's.`,
            appliesTo: [`Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${machineName}:*`],
          },
        ],
        true,
      );
    }
    const suppressions: NagPackSuppression[] = [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'CloudWatch Logs vended-log delivery (logs:*LogDelivery*, PutResourcePolicy, Describe*) for the state machine\'s ALL-level logging, and X-Ray tracing, support no resource-level permissions.',
        appliesTo: ['Resource::*'],
      },
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'LambdaInvoke grants invoking the workflow functions and their versions/aliases (<fn>:*); only the six workflow functions are reachable.',
        appliesTo: invoked.map((h) => `Resource::<${id(h.fn)}.Arn>:*`),
      },
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'The Distributed Map manages its own child executions and map runs (states:DescribeExecution/StopExecution on execution:<this machine>:* and its map runs); CDK scopes them to this state machine.',
        appliesTo: [`Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${machineName}:*`, `Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${machineName}/*:*`],
      },
    ];
    if (storage) {
      suppressions.push({
        id: 'AwsSolutions-IAM5',
        reason:
          "The Distributed Map's S3 item reader reads the bins list at a key known only at run time ($.prepared.bins_key), so CDK grants s3:GetObject on the bucket's objects; it is read-only.",
        appliesTo: [`Resource::arn:<AWS::Partition>:s3:::<${id(storage.bucket)}>/*`],
      });
    }
    NagSuppressions.addResourceSuppressions(machine, suppressions, true);
  }

  // The API.
  for (const api of only(stack, Api)) {
    const methods = api.restApi.methods;
    if (methods.length > 0) {
      NagSuppressions.addResourceSuppressions(methods, [
        {
          id: 'AwsSolutions-APIG4',
          reason:
            "Authorization is done by the handlers: each request's API key is hashed and looked up per tenant in DynamoDB (with per-tenant rate limits); /health is public by design and /download/{token} is authorized by its HMAC-signed, expiring token.",
        },
        {
          id: 'AwsSolutions-COG4',
          reason: 'The API has no user pool: its callers are services holding per-tenant API keys checked by the handlers (see AwsSolutions-APIG4).',
        },
      ]);
    }
    // With `waf` the stage has a web ACL and APIG3 holds without a suppression.
    if (!api.firewall) {
      NagSuppressions.addResourceSuppressions(api.restApi.deploymentStage, [
        {
          id: 'AwsSolutions-APIG3',
          reason:
            'AWS WAF is a deploy-time choice (its monthly cost per web ACL and rule): -c waf=true associates one with the v1 stage; without it the stage throttles and the handlers rate-limit per tenant.',
        },
      ]);
    }
    const cloudWatchRole = api.restApi.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) {
      NagSuppressions.addResourceSuppressions(cloudWatchRole, [
        {
          id: 'AwsSolutions-IAM4',
          reason:
            "The account-level API Gateway logging role (cloudWatchRole) uses AWS's own AmazonAPIGatewayPushToCloudWatchLogs policy, the documented way to let API Gateway write access and execution logs.",
          appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs'],
        },
      ]);
    }
  }

  if (storage) {
    NagSuppressions.addResourceSuppressions(storage.bucket, [
      {
        id: 'AwsSolutions-S1',
        reason:
          'The bucket holds only short-lived, service-written objects (manifests, bins, checkpoints, ZIPs) behind presigned URLs; object access is audited with CloudTrail S3 data events if needed, not a second log bucket.',
      },
    ]);
  }

  for (const tenantBuckets of only(stack, TenantBuckets)) {
    NagSuppressions.addResourceSuppressions(
      tenantBuckets.role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            "Tenants' buckets are named at run time (PUT /settings/buckets), so no bucket ARN is known at deploy time; the statement is limited to object actions on buckets of other accounts, and each bucket's own policy must grant the role (lib/constructs/tenant-buckets.ts).",
          appliesTo: ['Resource::arn:<AWS::Partition>:s3:::*/*'],
        },
        {
          id: 'AwsSolutions-IAM5',
          reason:
            "A paket is one of the tenant's buckets, named at run time (PUT /settings/paket): listing its objects and their versions needs s3:ListBucket / s3:ListBucketVersions on a bucket ARN no deployment can know; limited to buckets of other accounts, whose own policy must grant the role.",
          appliesTo: ['Resource::arn:<AWS::Partition>:s3:::*'],
        },
      ],
      true,
    );
  }

  for (const secrets of only(stack, Secrets)) {
    NagSuppressions.addResourceSuppressions(secrets.tokenSecret, [
      {
        id: 'AwsSolutions-SMG4',
        reason:
          'The token keys rotate by adding a new key id and making it active (lib/constructs/secrets.ts) while old tokens still verify until they expire; a rotation Lambda replacing the value would invalidate every link handed out.',
      },
    ]);
  }
}
