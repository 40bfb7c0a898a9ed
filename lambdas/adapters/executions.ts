import { DescribeExecutionCommand, ExecutionDoesNotExist, type SFNClient } from '@aws-sdk/client-sfn';
import type { ExecutionState } from '../core/jobs/sweep';

/** What Step Functions says of the workflow's executions. */
export interface ExecutionLookup {
  /** The state of the execution named `name`; `MISSING` when there is none. */
  state(name: string): Promise<ExecutionState>;
}

export function sfnExecutionLookup(client: SFNClient, stateMachineArn: string): ExecutionLookup {
  const prefix = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:`;
  return {
    async state(name) {
      try {
        const out = await client.send(new DescribeExecutionCommand({ executionArn: prefix + name }));
        return (out.status ?? 'RUNNING') as ExecutionState;
      } catch (error) {
        if (error instanceof ExecutionDoesNotExist || (error as { name?: string } | null)?.name === 'ExecutionDoesNotExist') return 'MISSING';
        throw error;
      }
    },
  };
}
