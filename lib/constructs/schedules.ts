import { Aws, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import type { HouseFunction } from './house-function';

export interface SchedulesProps {
  /** Every schedule's target. */
  readonly runSchedule: HouseFunction<'RunSchedule'>;
  readonly table: ITable;
  readonly stateMachine: IStateMachine;
  readonly bus: IEventBus;
  /** Where Scheduler keeps a firing it could not deliver to RunSchedule (every schedule names it). */
  readonly deadLetters: IQueue;
}

/**
 * Recurring archives on EventBridge Scheduler: a schedule group of the
 * stack's own, and the role Scheduler assumes, which can invoke RunSchedule
 * and send a firing it gave up on to the dead-letter queue, nothing else. The schedules themselves are created at run time by the
 * Schedules API function (see `grantManage`).
 */
export class Schedules extends Construct {
  readonly groupName: string;
  readonly schedulerRole: Role;
  /** The queue every schedule's target names as its dead-letter queue. */
  readonly deadLetterArn: string;
  private readonly scheduleArns: string;
  private readonly groupLogicalId: string;

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    const group = new CfnScheduleGroup(this, 'Group');
    this.groupName = group.ref;
    this.groupLogicalId = Stack.of(this).getLogicalId(group);
    this.scheduleArns = Stack.of(this).formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${this.groupName}/*` });

    this.schedulerRole = new Role(this, 'SchedulerRole', {
      // Only Scheduler acting for this account (confused-deputy guard).
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } } }),
      description: 'zipjobs: EventBridge Scheduler invokes RunSchedule',
    });
    this.schedulerRole.addToPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.runSchedule.fn.functionArn] }));
    // SendMessage alone (queue.grantSendMessages adds GetQueueAttributes/GetQueueUrl, which Scheduler does not need).
    this.schedulerRole.addToPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [props.deadLetters.queueArn] }));
    this.deadLetterArn = props.deadLetters.queueArn;

    // RunSchedule creates jobs exactly as CreateJob does, so it holds CreateJob's grants (its objects: access.ts).
    const run = props.runSchedule;
    props.table.grantReadWriteData(run);
    props.stateMachine.grantStartExecution(run);
    props.bus.grantPutEventsTo(run);
  }

  /** The schedules API: manage the group's schedules, pass the Scheduler role (and no other), own its table items. */
  grantManage(api: HouseFunction<'Schedules'>, table: ITable): void {
    api.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule'],
        resources: [this.scheduleArns],
      }),
    );
    this.schedulerRole.grantPassRole(api.grantPrincipal);
    NagSuppressions.addResourceSuppressions(
      api,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason: "Schedules are created at run time, one per zipjobs schedule; the API may manage those of the stack's own group only.",
          appliesTo: [`Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/<${this.groupLogicalId}>/*`],
        },
      ],
      true,
    );
    // Reads API keys, schedules and jobs; writes only schedule items and the tenant's rate window.
    table.grantReadData(api);
    api.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['SCHEDULE#*', 'RATE#*'] } },
      }),
    );
  }
}
