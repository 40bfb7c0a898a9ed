import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import { ZipJobs, type ZipJobsProps } from './zipjobs';

export interface ZipjobsStackProps extends StackProps, ZipJobsProps {}

/** zipjobs as a stack of its own (what `cdk deploy` deploys): the ZipJobs construct and its outputs. */
export class ZipjobsStack extends Stack {
  /** The service; its resources are public (`zipjobs.table`, `zipjobs.api`, …). */
  readonly zipjobs: ZipJobs;
  /** Every job status change is put here; add your own rules to it (see README, "Events"). */
  readonly eventBus: IEventBus;

  constructor(scope: Construct, id: string, props: ZipjobsStackProps = {}) {
    super(scope, id, props);
    // "Default" keeps the construct out of logical ids: a stack deployed before it existed updates in place.
    this.zipjobs = new ZipJobs(this, 'Default', props);
    const { api, bucket, table, stateMachine, tenantBucketRole, eventBus, alarmTopic, dashboard } = this.zipjobs;
    this.eventBus = eventBus;

    new CfnOutput(this, 'ApiUrl', { value: api.url, description: 'Base URL of the API (stage v1)' });
    new CfnOutput(this, 'BucketName', { value: bucket.bucketName });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'StateMachineArn', { value: stateMachine.stateMachineArn });
    new CfnOutput(this, 'TenantBucketRoleArn', {
      value: tenantBucketRole.roleArn,
      description: "Grant this role s3:PutObject, s3:AbortMultipartUpload, s3:GetObject and s3:DeleteObject in your bucket's policy to let zipjobs write ZIPs there",
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn, description: 'Every alarm publishes here: subscribe an address (see docs/RUNBOOK.md)' });
    new CfnOutput(this, 'DashboardName', { value: dashboard.dashboardName, description: 'The CloudWatch dashboard' });
    // The DNS record each custom domain needs: a CNAME from the name to this target.
    this.zipjobs.domainNames.forEach((domain, i) => {
      new CfnOutput(this, `CustomDomain${i + 1}Target`, {
        value: domain.domainNameAliasDomainName,
        description: `DNS: ${props.domains?.[i]} CNAME to this name (or a Route 53 alias record)`,
      });
    });
    new CfnOutput(this, 'EventBusName', { value: eventBus.eventBusName, description: 'Job status changes are put on this bus' });
  }
}
