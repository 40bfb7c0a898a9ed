import type { LocalLambda } from './step-functions';

/** A rule of the stack that runs on a schedule (`ScheduleExpression`), with its targets. */
export interface ScheduledRule {
  readonly id: string;
  readonly targets: readonly LocalLambda[];
}

/**
 * EventBridge's scheduled rules for the local stack (the sweeper's): each
 * fires every `intervalMs` instead of its own rate, so a laptop or a test
 * need not wait 15 minutes. A run never overlaps the previous one; a failure
 * is reported and the next firing comes as usual (on AWS the event is
 * retried, then kept in a queue).
 */
export class LocalScheduledRules {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly rules: readonly ScheduledRule[],
    private readonly onError: (rule: string, error: unknown) => void = (rule, error) => console.error(`scheduled rule ${rule} failed:`, error),
  ) {}

  start(intervalMs: number): void {
    if (this.rules.length === 0) return;
    this.timer = setInterval(() => {
      this.running ??= this.fireAll().finally(() => (this.running = undefined));
    }, intervalMs);
    this.timer.unref();
  }

  /** Fires every rule once now, as a scheduled firing would (waits for a firing in progress first). */
  async fireAll(): Promise<void> {
    for (const rule of this.rules) {
      const event = { source: 'aws.events', 'detail-type': 'Scheduled Event', time: new Date().toISOString(), resources: [rule.id], detail: {} };
      for (const target of rule.targets) await target(event).catch((error: unknown) => this.onError(rule.id, error));
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
