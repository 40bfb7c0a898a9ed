import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  readonly path: string;
  readonly headers: Record<string, string | undefined>;
  readonly body: string;
}

/**
 * A webhook endpoint on 127.0.0.1 for the e2e tests: records every request
 * and answers each path with a scripted list of statuses (the last one repeats).
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private readonly scripts = new Map<string, number[]>();
  private server?: Server;
  url = '';

  /** `statuses[i]` answers the i-th request to `path`. */
  answer(path: string, statuses: number[]): string {
    this.scripts.set(path, [...statuses]);
    return `${this.url}${path}`;
  }

  to(path: string): ReceivedWebhook[] {
    return this.received.filter((r) => r.path === path);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]));
        this.received.push({ path, headers, body: Buffer.concat(chunks).toString('utf8') });
        const script = this.scripts.get(path) ?? [404];
        const status = script.length > 1 ? script.shift()! : script[0]!;
        res.writeHead(status, { 'Content-Type': 'text/plain' }).end(String(status));
      });
    });
    await new Promise<void>((ok) => this.server!.listen(0, '127.0.0.1', ok));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((ok) => this.server!.close(() => ok()));
  }
}
