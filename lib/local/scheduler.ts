import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nextFireTime, parseScheduleExpression } from '../../lambdas/core/schedules/expression';
import { SCHEDULED_TIME } from '../../lambdas/adapters/scheduler';

/** What a schedule holds (the subset of CreateSchedule's input zipjobs uses). */
interface ScheduleInput {
  readonly ScheduleExpression: string;
  readonly ScheduleExpressionTimezone?: string;
  readonly State?: 'ENABLED' | 'DISABLED';
  readonly ActionAfterCompletion?: 'NONE' | 'DELETE';
  readonly Target: { readonly Arn: string; readonly RoleArn: string; readonly Input?: string };
  readonly FlexibleTimeWindow?: { readonly Mode: string };
}

interface Entry {
  readonly group: string;
  readonly name: string;
  /** Epoch ms: rate() schedules count from here. */
  readonly createdAt: number;
  input: ScheduleInput;
  timer?: NodeJS.Timeout;
}

export interface LocalSchedulerOptions {
  /** Invokes a target function by ARN with its JSON input. */
  readonly invoke: (functionArn: string, payload: unknown) => Promise<unknown>;
  /** Schedules survive restarts in this file. */
  readonly statePath: string;
  readonly region: string;
  readonly account: string;
}

class SchedulerError extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The longest setTimeout delay; later fire times re-arm on wake. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * A stand-in for EventBridge Scheduler: Create/Update/Get/DeleteSchedule over
 * its REST-JSON paths (`/schedules/{Name}`), and timers that fire the
 * schedules on their expressions for real, invoking the target function in
 * this process. See README, "Schedules", for what differs from AWS.
 */
export class LocalScheduler {
  private readonly entries = new Map<string, Entry>();
  private server?: Server;

  constructor(private readonly options: LocalSchedulerOptions) {}

  /** Serves the API; fires nothing until `start`. */
  async listen(): Promise<string> {
    this.server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((ok) => this.server!.listen(0, '127.0.0.1', ok));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Loads the schedules saved by a previous run and arms their timers (once targets can run). */
  start(): void {
    if (!existsSync(this.options.statePath)) return;
    const saved = JSON.parse(readFileSync(this.options.statePath, 'utf8')) as Omit<Entry, 'timer'>[];
    for (const entry of saved) if (!this.entries.has(`${entry.group}/${entry.name}`)) this.arm(this.remember({ ...entry }));
  }

  async close(): Promise<void> {
    for (const entry of this.entries.values()) clearTimeout(entry.timer);
    if (this.server) await new Promise<void>((ok) => this.server!.close(() => ok()));
  }

  /** Schedule names per group, for tests. */
  names(): string[] {
    return [...this.entries.keys()];
  }

  private remember(entry: Entry): Entry {
    this.entries.set(`${entry.group}/${entry.name}`, entry);
    return entry;
  }

  private save(): void {
    const entries = [...this.entries.values()].map(({ timer: _timer, ...entry }) => entry);
    writeFileSync(this.options.statePath, JSON.stringify(entries));
  }

  private arn(entry: Pick<Entry, 'group' | 'name'>): string {
    return `arn:aws:scheduler:${this.options.region}:${this.options.account}:schedule/${entry.group}/${entry.name}`;
  }

  private arm(entry: Entry): void {
    clearTimeout(entry.timer);
    entry.timer = undefined;
    if (entry.input.State === 'DISABLED') return;
    const parsed = parseScheduleExpression(entry.input.ScheduleExpression);
    if (!parsed.ok) return;
    const at = nextFireTime(parsed.value, entry.input.ScheduleExpressionTimezone ?? 'UTC', Date.now(), entry.createdAt);
    if (at === null) return;
    const wake = () => {
      if (Date.now() < at) entry.timer = setTimeout(wake, Math.min(MAX_DELAY_MS, at - Date.now())).unref();
      else void this.fire(entry, at, parsed.value.kind === 'at');
    };
    entry.timer = setTimeout(wake, Math.min(MAX_DELAY_MS, Math.max(0, at - Date.now())));
    entry.timer.unref();
  }

  private async fire(entry: Entry, at: number, once: boolean): Promise<void> {
    const current = this.entries.get(`${entry.group}/${entry.name}`);
    if (current !== entry) return; // deleted or replaced meanwhile
    const scheduledTime = new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const input = (entry.input.Target.Input ?? '{}').replaceAll(SCHEDULED_TIME, scheduledTime);
    if (once) {
      if (entry.input.ActionAfterCompletion === 'DELETE') this.entries.delete(`${entry.group}/${entry.name}`);
      this.save();
    } else this.arm(entry);
    try {
      await this.options.invoke(entry.input.Target.Arn, JSON.parse(input));
    } catch (error) {
      // Scheduler would retry (185 times over 24 h by default); the local one logs and moves on.
      console.error(`local scheduler: ${entry.name} failed:`, error);
    }
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const match = /^\/schedules\/([^/]+)$/.exec(url.pathname);
      if (!match) throw new SchedulerError('ValidationException', 400, `${req.method} ${url.pathname} is not served locally`);
      const name = decodeURIComponent(match[1]!);
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as ScheduleInput & { GroupName?: string }) : undefined;
      const group = body?.GroupName ?? url.searchParams.get('groupName') ?? 'default';
      const key = `${group}/${name}`;
      const existing = this.entries.get(key);
      const reply = (value: unknown) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      const missing = () => new SchedulerError('ResourceNotFoundException', 404, `Schedule ${name} does not exist.`);

      if (req.method === 'GET') {
        if (!existing) throw missing();
        return reply({ Name: name, GroupName: group, Arn: this.arn(existing), ...existing.input });
      }
      if (req.method === 'DELETE') {
        if (!existing) throw missing();
        clearTimeout(existing.timer);
        this.entries.delete(key);
        this.save();
        return reply({});
      }
      if (req.method !== 'POST' && req.method !== 'PUT') throw new SchedulerError('ValidationException', 400, `${req.method} is not served locally`);
      if (!body?.ScheduleExpression || !body.Target?.Arn) throw new SchedulerError('ValidationException', 400, 'ScheduleExpression and Target are required');
      const parsed = parseScheduleExpression(body.ScheduleExpression);
      if (!parsed.ok) throw new SchedulerError('ValidationException', 400, `Invalid Schedule Expression ${body.ScheduleExpression}: ${parsed.error}`);
      if (req.method === 'POST' && existing) throw new SchedulerError('ConflictException', 409, `Schedule ${name} already exists.`);
      if (req.method === 'PUT' && !existing) throw missing();
      const { GroupName: _group, ...input } = body;
      // An update replaces the whole definition; a rate() keeps counting from the creation, as Scheduler does.
      const entry = this.remember({ group, name, createdAt: existing?.createdAt ?? Date.now(), input });
      if (existing) clearTimeout(existing.timer);
      this.arm(entry);
      this.save();
      return reply({ ScheduleArn: this.arn(entry) });
    } catch (error) {
      const known = error instanceof SchedulerError ? error : new SchedulerError('InternalServerException', 500, String(error));
      res.writeHead(known.status, { 'Content-Type': 'application/json', 'x-amzn-errortype': known.type });
      res.end(JSON.stringify({ message: known.message }));
    }
  }
}
