import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/** A conditional write that lost (the item was not in the expected state): an answer, not a fault. */
export function isConditionFailed(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error as { name?: string } | null)?.name === 'ConditionalCheckFailedException';
}
