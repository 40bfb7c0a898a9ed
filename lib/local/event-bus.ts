import { randomUUID } from 'node:crypto';
import { AwsServiceError } from './aws-json-services';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './template';

/** An event as EventBridge delivers it to a rule's target. */
export interface LocalBusEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Record<string, unknown>;
}

/** An event as EventBridge builds it from what was put (or what an AWS service emits). */
export function busEvent(source: string, detailType: string, detail: Record<string, unknown>, resources: readonly string[] = []): LocalBusEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': detailType,
    source,
    account: LOCAL_ACCOUNT,
    time: new Date().toISOString(),
    region: LOCAL_REGION,
    resources,
    detail,
  };
}

/**
 * The stack's EventBridge bus for the local stack: answers `AWSEvents.PutEvents`
 * and keeps what was put, in order, in memory (nothing consumes it locally;
 * tests read `events`).
 */
export class LocalEventBus {
  readonly events: LocalBusEvent[] = [];

  constructor(readonly name: string) {}

  putEvents(input: Record<string, unknown>) {
    const entries = (input.Entries ?? []) as Record<string, unknown>[];
    if (entries.length === 0 || entries.length > 10) throw new AwsServiceError('ValidationException', 'Entries must hold 1 to 10 events');
    return {
      FailedEntryCount: 0,
      Entries: entries.map((entry) => {
        const bus = entry.EventBusName ?? 'default';
        if (bus !== this.name) throw new AwsServiceError('ResourceNotFoundException', `Event bus ${String(bus)} does not exist.`);
        const event = busEvent(
          String(entry.Source),
          String(entry.DetailType),
          JSON.parse(String(entry.Detail ?? '{}')) as Record<string, unknown>,
          (entry.Resources as string[] | undefined) ?? [],
        );
        this.events.push(event);
        return { EventId: event.id };
      }),
    };
  }
}
