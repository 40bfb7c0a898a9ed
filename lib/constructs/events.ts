import { EventBus, type IEventBus } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';

/**
 * The stack's own EventBridge bus. Every job status change is put here
 * (`source: "zipjobs"`, `detail-type: "Job Status Changed"`); users attach
 * their rules to it from their own stacks (`stack.eventBus`).
 */
export class Events extends Construct {
  readonly bus: IEventBus;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', { description: 'zipjobs: job status changes' });
  }
}
