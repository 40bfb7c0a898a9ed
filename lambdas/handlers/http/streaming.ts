/**
 * A handler whose response is streamed (API Gateway response streaming):
 * Lambda's Node.js runtime provides the `awslambda` global with
 * `streamifyResponse` and `HttpResponseStream`; the local stack installs the
 * same before it loads a handler. Errors before the head is sent become the
 * API's error envelope; an error after it aborts the transfer, so a client
 * never takes a broken body for a whole one.
 */
import { pipeline } from 'node:stream/promises';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { ServiceError } from '../../core/errors';
import { beginInvocationLog, log } from '../../adapters/log';
import { publishMetrics } from '../../adapters/metrics';
import { errorResponse } from './responses';

export interface StreamedResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  /** A body to stream; a plain string is sent as it is. */
  readonly body?: AsyncIterable<Uint8Array> | string;
  /** Told the bytes actually sent once the response has ended or broken off. */
  readonly sent?: (bytes: number) => Promise<void>;
}

export type StreamedRoute = (event: APIGatewayProxyEvent) => Promise<StreamedResponse>;

const routeOf = (event: APIGatewayProxyEvent) => `${event.httpMethod} ${event.resource}`;

async function answer(route: StreamedRoute, event: APIGatewayProxyEvent): Promise<StreamedResponse> {
  try {
    return await route(event);
  } catch (error) {
    // The route, never the path: a download path is a whole token.
    if (!(error instanceof ServiceError)) log.error('request failed', { error, route: routeOf(event) });
    const { statusCode, headers, body } = errorResponse(error);
    return { statusCode, headers: headers as Record<string, string>, body };
  }
}

export function streamingHandler(route: StreamedRoute) {
  return awslambda.streamifyResponse(async (event: APIGatewayProxyEvent, responseStream: awslambda.HttpResponseStream, context: Context) => {
    const endLog = beginInvocationLog(context);
    const response = await answer(route, event);
    const out = awslambda.HttpResponseStream.from(responseStream, { statusCode: response.statusCode, headers: response.headers });
    let bytes = 0;
    const body = response.body ?? '';
    const source: AsyncIterable<Uint8Array> | Iterable<Uint8Array> = typeof body === 'string' ? [Buffer.from(body)] : body;
    let counted = false;
    const count = async () => {
      if (counted) return;
      counted = true;
      await response.sent?.(bytes).catch((error: unknown) => log.error('could not count the bytes sent', { error }));
    };
    // Each chunk is held back until the next one arrives, so the count is in
    // before the last byte reaches the client (who may ask again at once).
    async function* counting() {
      let held: Uint8Array | undefined;
      for await (const chunk of source) {
        if (held) yield held;
        held = chunk;
        bytes += chunk.length;
      }
      await count();
      if (held) yield held;
    }
    try {
      await pipeline(counting(), out);
    } catch (error) {
      // pipeline has destroyed the response stream: the transfer is cut short.
      log.warn('streamed response aborted', { error, route: routeOf(event), bytes });
    } finally {
      await count();
      publishMetrics();
      endLog();
    }
  });
}
