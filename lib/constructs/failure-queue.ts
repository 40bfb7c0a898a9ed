import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { ComparisonOperator, TreatMissingData, type Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';

export interface FailureQueueProps {
  /** What lands here, for the alarm's description. */
  readonly holds: string;
  /** Development stack: the queue is destroyed with it. */
  readonly dev?: boolean;
}

/**
 * Where an asynchronous invocation goes once its retries are spent (an
 * on-failure destination or dead-letter queue): encrypted, TLS only, kept 14
 * days, with an alarm as soon as one message is in it, so that no event is
 * dropped unseen.
 */
export class FailureQueue extends Construct {
  readonly queue: Queue;
  readonly alarm: Alarm;

  constructor(scope: Construct, id: string, props: FailureQueueProps) {
    super(scope, id);
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: props.dev ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    NagSuppressions.addResourceSuppressions(this.queue, [{ id: 'AwsSolutions-SQS3', reason: 'This queue is itself the dead-letter queue of an asynchronous invocation.' }]);
    this.alarm = this.queue
      .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' })
      .createAlarm(this, 'Alarm', {
        alarmDescription: `zipjobs: ${props.holds} (read the queue's messages for the cause)`,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
  }
}
