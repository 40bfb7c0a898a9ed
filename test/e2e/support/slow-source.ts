import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A source that trickles its body (`chunkBytes` every 100 ms), so a job stays running long enough to watch or to stop. */
export class SlowSource {
  private server?: Server;
  url = '';

  constructor(
    readonly body: Buffer,
    private readonly chunkBytes = 20_000,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Length': this.body.length, 'Content-Type': 'text/plain' });
      let sent = 0;
      const tick = setInterval(() => {
        const chunk = this.body.subarray(sent, sent + this.chunkBytes);
        sent += chunk.length;
        if (chunk.length === 0) {
          clearInterval(tick);
          res.end();
        } else res.write(chunk);
      }, 100);
      res.on('close', () => clearInterval(tick));
    });
    await new Promise<void>((ok) => this.server!.listen(0, '127.0.0.1', ok));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/slow.txt`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((ok) => this.server?.close(ok));
  }
}
