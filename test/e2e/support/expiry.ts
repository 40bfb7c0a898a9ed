import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';

/** Moves a job's expiry (its record and its TTL marker) to `expiresAt`, so that a sweep expires it. */
export async function backdate(jobId: string, expiresAt: Date): Promise<void> {
  const dynamo = new DynamoDBClient({});
  const table = process.env.TABLE_NAME!;
  await dynamo.send(
    new UpdateItemCommand({ TableName: table, Key: { pk: { S: `JOB#${jobId}` }, sk: { S: 'JOB' } }, UpdateExpression: 'SET expires_at = :e', ExpressionAttributeValues: { ':e': { S: expiresAt.toISOString() } } }),
  );
  await dynamo.send(
    new UpdateItemCommand({ TableName: table, Key: { pk: { S: `JOB#${jobId}` }, sk: { S: 'EXPIRY' } }, UpdateExpression: 'SET #ttl = :t', ExpressionAttributeNames: { '#ttl': 'ttl' }, ExpressionAttributeValues: { ':t': { N: String(Math.floor(expiresAt.getTime() / 1000)) } } }),
  );
  dynamo.destroy();
}
