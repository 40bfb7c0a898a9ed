import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the AWS services the local stack needs beyond DynamoDB and
 * S3, speaking their JSON wire protocol (`X-Amz-Target: <Service>.<Operation>`)
 * so that handlers use the real SDK clients unchanged.
 */
export class AwsServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export type Operation = (input: Record<string, unknown>) => Promise<unknown> | unknown;

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.0' });
  res.end(JSON.stringify(body));
}

/** Serves `operations` keyed by X-Amz-Target (e.g. `AWSStepFunctions.StartExecution`). */
export async function startJsonServices(operations: Record<string, Operation>): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = operations[target];
    readJson(req)
      .then(async (input) => {
        if (!operation) throw new AwsServiceError('UnknownOperationException', `${target} is not served locally`);
        send(res, 200, (await operation(input)) ?? {});
      })
      .catch((error: unknown) => {
        if (error instanceof AwsServiceError) send(res, error.status, { __type: error.type, message: error.message });
        else send(res, 500, { __type: 'InternalFailure', message: String(error) });
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server };
}
