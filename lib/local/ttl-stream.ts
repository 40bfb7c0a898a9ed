import { DeleteItemCommand, DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

/** Matches an event pattern (EventBridge rules, Lambda event filters: exact values, `prefix`, nested objects) against an event. */
export function matchesPattern(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) {
    return pattern.some((p) => {
      if (p !== null && typeof p === 'object' && 'prefix' in p) return typeof value === 'string' && value.startsWith(String((p as { prefix: string }).prefix));
      return p === value;
    });
  }
  if (pattern === null || typeof pattern !== 'object') return pattern === value;
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(pattern).every(([k, p]) => matchesPattern(p, (value as Record<string, unknown>)[k]));
}

export interface StreamConsumer {
  readonly filters: readonly unknown[];
  readonly handle: (event: DynamoDBStreamEvent) => Promise<unknown>;
}

/**
 * DynamoDB's TTL and stream for the local stack (dynalite has neither): every
 * `intervalMs`, items whose `ttl` has passed are deleted and delivered, as
 * REMOVE records with their old image, to the stream consumers whose filters
 * match — the event source mappings of the synthesized stack.
 */
export class LocalTtlStream {
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;
  private sequence = 0;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly consumers: readonly StreamConsumer[],
  ) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.sweep().catch((error: unknown) => console.error('local TTL sweep failed:', error)), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping?.catch(() => undefined); // its failure was its caller's to see
  }

  /**
   * One pass over the table as of `now`, begun after the pass running (if
   * any) ends: it sees every item written before the call, and expires by
   * the caller's own clock (a test's, a month ahead).
   */
  sweep(now = Date.now()): Promise<void> {
    const pass = (this.sweeping ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => this.expire(Math.floor(now / 1000)))
      .finally(() => {
        if (this.sweeping === pass) this.sweeping = undefined;
      });
    this.sweeping = pass;
    return pass;
  }

  private async expire(nowSeconds: number): Promise<void> {
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.table,
          FilterExpression: '#ttl <= :now',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':now': { N: String(nowSeconds) } },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) await this.remove(item, nowSeconds);
      start = page.LastEvaluatedKey;
    } while (start);
  }

  private async remove(item: Record<string, AttributeValue>, nowSeconds: number): Promise<void> {
    const Keys = { pk: item.pk!, sk: item.sk! };
    await this.client.send(new DeleteItemCommand({ TableName: this.table, Key: Keys }));
    const record = {
      eventID: String(++this.sequence),
      eventName: 'REMOVE',
      eventSource: 'aws:dynamodb',
      userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
      dynamodb: { Keys, OldImage: item, SequenceNumber: String(this.sequence), ApproximateCreationDateTime: nowSeconds, StreamViewType: 'KEYS_ONLY' },
    } as unknown as DynamoDBRecord;
    for (const consumer of this.consumers) {
      if (consumer.filters.length > 0 && !consumer.filters.some((f) => matchesPattern(f, record))) continue;
      // A failed record stays failed here; on AWS the mapping retries it.
      await consumer.handle({ Records: [record] }).catch((error: unknown) => console.error('local stream consumer failed', error));
    }
  }
}
