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
        const event: LocalBusEvent = {
          version: '0',
          id: randomUUID(),
          'detail-type': String(entry.DetailType),
          source: String(entry.Source),
          account: LOCAL_ACCOUNT,
          time: new Date().toISOString(),
          region: LOCAL_REGION,
          resources: (entry.Resources as string[] | undefined) ?? [],
          detail: JSON.parse(String(entry.Detail ?? '{}')) as Record<string, unknown>,
        };
        this.events.push(event);
        return { EventId: event.id };
      }),
    };
  }
}
