import { ExecutionAlreadyExists, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';

export interface WorkflowInput {
  readonly job_id: string;
  /** Skip to the webhook: a notification restarted after the run's execution ended early. */
  readonly notify_only?: true;
}

export interface WorkflowStarter {
  /** Starts the ZIP workflow once per name; a repeated name is not an error. */
  start(name: string, input: WorkflowInput): Promise<void>;
}

export function sfnWorkflowStarter(client: SFNClient, stateMachineArn: string): WorkflowStarter {
  return {
    async start(name, input) {
      try {
        await client.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
      } catch (error) {
        if (error instanceof ExecutionAlreadyExists) return;
        throw error;
      }
    },
  };
}
