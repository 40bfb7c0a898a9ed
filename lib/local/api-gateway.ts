import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { MAX_BODY_BYTES } from '../../lambdas/core/api/limits';
import type { ApiRoute } from '../functions';
import { responseStreamTo, type StreamingHandler } from './lambda-streaming';

// The local stack refuses a body a deployed API could not take (413), as a deployed one does.

export type ProxyHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

/** A route's handler: buffered (the result is the response) or streaming (it writes the response itself). */
export type RouteHandler = { readonly streaming: false; readonly handle: ProxyHandler } | { readonly streaming: true; readonly handle: (event: APIGatewayProxyEvent, responseStream: ReturnType<typeof responseStreamTo>) => ReturnType<StreamingHandler> };

/** A request a route's handler answered, as the client received it. */
export interface ApiExchange {
  readonly method: string;
  /** The route's path template (`/jobs/{id}`). */
  readonly resource: string;
  readonly path: string;
  readonly status: number;
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body, or '' when it was streamed (not kept) or the method was HEAD. */
  readonly body: string;
  /** The handler streamed its response: status and headers are known, the body is not kept. */
  readonly streamed: boolean;
}

interface CompiledRoute {
  readonly route: ApiRoute;
  readonly pattern: RegExp;
  readonly params: string[];
}

function compile(route: ApiRoute): CompiledRoute {
  const params: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const m = /^\{(\w+)\}$/.exec(segment);
      if (!m) return segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
      params.push(m[1]!);
      return '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}/?$`), params };
}

/** Path parameters arrive decoded; a malformed escape is passed through as sent. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function gatewayError(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ success: false, error: { code, message } }));
}

/**
 * Serves the API's routes the way API Gateway's Lambda proxy integration does:
 * each request becomes a proxy event for the route's handler, and the handler's
 * result becomes the response. Unknown routes and oversized bodies are answered
 * here, as the gateway itself answers them.
 */
export function apiGatewayServer(
  routes: readonly ApiRoute[],
  handlerFor: (route: ApiRoute) => Promise<RouteHandler>,
  onResponse?: (exchange: ApiExchange) => void,
): Server {
  // As API Gateway matches, a literal path part wins over a parameter (`/health` before `/{ball}`).
  const params = (c: CompiledRoute) => c.route.path.split('/').map((part) => (part.startsWith('{') ? '1' : '0')).join('');
  const compiled = routes.map(compile).sort((a, b) => params(a).localeCompare(params(b)));
  const server = createServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      console.error('local API gateway fault', error);
      if (!res.headersSent) gatewayError(res, 502, 'INTERNAL', 'internal error');
      else res.destroy();
    });
  });
  // A request Node's parser refuses (an unknown method, a malformed line) is a
  // 400 in the envelope, as the gateway's DEFAULT_4XX response answers it.
  server.on('clientError', (_error, socket) => {
    if (!socket.writable) return socket.destroy();
    const body = JSON.stringify({ success: false, error: { code: 'INVALID_REQUEST', message: 'malformed request' } });
    socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
  return server;

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    let match: { route: ApiRoute; pathParameters: Record<string, string> } | undefined;
    for (const c of compiled) {
      const m = c.pattern.exec(url.pathname);
      if (!m || c.route.method !== method) continue;
      match = { route: c.route, pathParameters: Object.fromEntries(c.params.map((p, i) => [p, decodeSegment(m[i + 1]!)])) };
      break;
    }
    if (!match) return gatewayError(res, 404, 'NOT_FOUND', `no route for ${method} ${url.pathname}`);

    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      // Past the limit the rest is read and dropped, and answered at its end: an answer sent mid-body,
      // with the socket closed under the client's write, reaches many clients (Python's among them)
      // as a broken pipe instead of the 413.
      if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
      else chunks.length = 0;
    }
    if (size > MAX_BODY_BYTES) return gatewayError(res, 413, 'PAYLOAD_TOO_LARGE', 'body: request body is too large');
    const body = chunks.length > 0 ? Buffer.concat(chunks).toString('utf8') : null;

    // Null-prototype maps: a header or parameter may be named `__proto__`.
    const headers: Record<string, string> = Object.create(null);
    const multiValueHeaders: Record<string, string[]> = Object.create(null);
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i]!;
      const value = req.rawHeaders[i + 1]!;
      headers[name] = value;
      (multiValueHeaders[name] ??= []).push(value);
    }
    headers['X-Forwarded-Proto'] ??= 'http';
    const query = [...url.searchParams.keys()].length > 0 ? Object.fromEntries(url.searchParams) : null;
    const multiQuery: Record<string, string[]> = Object.create(null);
    for (const [k, v] of url.searchParams) (multiQuery[k] ??= []).push(v);

    const event = {
      resource: match.route.path,
      path: url.pathname,
      httpMethod: method,
      headers,
      multiValueHeaders,
      queryStringParameters: query,
      multiValueQueryStringParameters: query ? multiQuery : null,
      pathParameters: Object.keys(match.pathParameters).length > 0 ? match.pathParameters : null,
      stageVariables: null,
      body,
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        httpMethod: method,
        path: url.pathname,
        stage: 'local',
        requestId: randomUUID(),
        requestTimeEpoch: Date.now(),
        resourceId: 'local',
        resourcePath: match.route.path,
        domainName: req.headers.host ?? 'localhost',
        protocol: `HTTP/${req.httpVersion}`,
        identity: { sourceIp: req.socket.remoteAddress ?? '127.0.0.1' },
      },
    } as unknown as APIGatewayProxyEvent;

    const handler = await handlerFor(match.route);
    if (handler.streaming) {
      // Response streaming: chunks reach the client as the handler writes them.
      const stream = responseStreamTo(res);
      try {
        await handler.handle(event, stream);
      } catch (error) {
        stream.destroy(error instanceof Error ? error : new Error(String(error)));
        throw error;
      }
      if (!stream.writableFinished && !stream.destroyed) stream.end();
      onResponse?.({ method, resource: match.route.path, path: url.pathname, status: res.statusCode, headers: lowerCased(res.getHeaders()), body: '', streamed: true });
      return;
    }
    const result = await handler.handle(event);
    const outHeaders: Record<string, string | string[]> = { ...(result.headers as Record<string, string>) };
    for (const [k, v] of Object.entries(result.multiValueHeaders ?? {})) outHeaders[k] = v.map(String);
    const payload = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : Buffer.from(result.body ?? '', 'utf8');
    // The gateway sends a length, never chunks; a HEAD gets the headers a GET would, and no body.
    outHeaders['Content-Length'] = String(payload.length);
    res.writeHead(result.statusCode, outHeaders);
    res.end(method === 'HEAD' ? undefined : payload);
    onResponse?.({
      method,
      resource: match.route.path,
      path: url.pathname,
      status: result.statusCode,
      headers: lowerCased(outHeaders),
      body: method === 'HEAD' ? '' : payload.toString('utf8'),
      streamed: false,
    });
  }
}

function lowerCased(headers: Readonly<Record<string, unknown>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
}
