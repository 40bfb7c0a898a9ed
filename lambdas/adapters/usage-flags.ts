import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conditionally } from './dynamo-conditions';
import { zipKey } from './job-keys';

/**
 * Which completed ZIPs are already counted in their tenant's stored usage: a
 * flag on the ZIP's item, set conditionally, so a repeated Finalize (or the
 * sweeper finalizing the same job) counts a ZIP once.
 */
export interface UsageFlags {
  /** Flags a completed ZIP as counted; false when it already was, or is not completed. */
  markCounted(jobId: string, sequence: number): Promise<boolean>;
}

export function dynamoUsageFlags(client: DynamoDBDocumentClient, table: string): UsageFlags {
  return {
    async markCounted(jobId, sequence) {
      return conditionally(() =>
        client.send(
          new UpdateCommand({
            TableName: table,
            Key: zipKey(jobId, sequence),
            UpdateExpression: 'SET usage_counted = :yes',
            ConditionExpression: 'attribute_not_exists(usage_counted) AND #status = :completed',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':yes': true, ':completed': 'completed' },
          }),
        ),
      );
    },
  };
}
