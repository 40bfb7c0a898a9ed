import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { apiKeyFromHeaders, hashApiKey } from '../../core/api-keys';
import { MAX_BODY_BYTES } from '../../core/api/limits';
import { InvalidRequestError, PayloadTooLargeError, ServiceError, ServiceUnavailableError, UnauthorizedError } from '../../core/errors';
import { planNamed, type Plan } from '../../core/plans';
import type { UsageStore } from '../../adapters/usage-store';
import type { ApiKeyStore } from '../../adapters/api-key-store';
import { log, logger } from '../../adapters/log';
import { publishMetrics } from '../../adapters/metrics';
import { annotate, tracer } from '../../adapters/tracing';
import { admitRequest } from '../../usecases/admit-request';
import { errorResponse } from './responses';

export interface Tenant {
  readonly id: string;
  readonly plan: Plan;
}

export interface ApiRequest {
  readonly event: APIGatewayProxyEvent;
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The parsed JSON body; `undefined` when there was none. */
  readonly body: unknown;
  readonly tenant: Tenant;
  /**
   * Milliseconds until this request is answered 503 for want of time (0 or
   * less once it has been): a route that commits something checks it first.
   */
  readonly timeLeftMs: () => number;
}

type Route = (request: ApiRequest) => Promise<APIGatewayProxyResult>;

/** What every keyed route checks before its own work: the caller's key, its tenant's plan, the plan's request rate. */
export interface ApiAccess {
  readonly keys: Pick<ApiKeyStore, 'getApiKey'>;
  readonly plans: readonly Plan[];
  readonly usage: UsageStore;
}

function lowerCaseHeaders(event: APIGatewayProxyEvent): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v ?? undefined]));
}

function parseBody(event: APIGatewayProxyEvent): unknown {
  if (event.body == null || event.body === '') return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(`body: must be at most ${MAX_BODY_BYTES} bytes`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidRequestError('body: must be valid JSON', [{ path: 'body', message: 'must be valid JSON' }]);
  }
}

async function authenticate(access: ApiAccess, headers: Record<string, string | undefined>): Promise<Tenant> {
  const key = apiKeyFromHeaders(headers);
  if (!key) throw new UnauthorizedError('missing API key: send X-API-Key or Authorization: Bearer');
  const record = await access.keys.getApiKey(hashApiKey(key));
  if (!record || record.revoked_at) throw new UnauthorizedError('unknown API key');
  return { id: record.tenant_id, plan: planNamed(record.plan, access.plans) };
}

const errorEnvelope: middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> = {
  onError: async (request) => {
    if (!(request.error instanceof ServiceError)) {
      // The route, never the path: a download path is a whole token.
      log.error('request failed', { error: request.error, route: `${request.event.httpMethod} ${request.event.resource}` });
    }
    request.response = errorResponse(request.error);
  },
};

/**
 * A request still running this long before its function's time limit is
 * answered 503 with Retry-After (the envelope, never middy's timeout as a 500):
 * under overload a client should come back, not take it for a fault.
 */
const ANSWER_MARGIN_MS = 1_000;
const timeouts = {
  timeoutEarlyInMillis: ANSWER_MARGIN_MS,
  timeoutEarlyResponse: () => {
    throw new ServiceUnavailableError('the service is busy: the request ran out of time; try again', ServiceUnavailableError.RETRY_AFTER_SECONDS);
  },
};

/** Time until the wrapper answers 503 on its own; unbounded without a Lambda context (tests, scripts). */
const timeLeft = (context: Partial<Pick<Context, 'getRemainingTimeInMillis'>> | undefined) => () =>
  context?.getRemainingTimeInMillis ? context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS : Number.POSITIVE_INFINITY;

/** The request id, cold start and a fresh debug-sampling draw on every line; keys never outlive the request. */
const logContext = () => injectLambdaContext(logger, { resetKeys: true });

/** The request in an X-Ray subsegment (cold start, service); responses are not recorded (they hold links and tokens). */
const traceSegment = () => captureLambdaHandler(tracer, { captureResponse: false });

/** What the request counted, written once it is answered (Powertools' logMetrics warns on every request that counted nothing). */
const metricsFlush: middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> = {
  after: async () => publishMetrics(),
  onError: async () => publishMetrics(),
};

/** The job a route is about, from its path (`/jobs/{id}…`); routes that create one add it themselves. */
const jobIdOf = (event: APIGatewayProxyEvent) => (event.resource?.startsWith('/jobs/{id}') ? event.pathParameters?.id : undefined);

/**
 * Wraps a route: parses the body, resolves the API key to a tenant, and maps
 * every error to the envelope in one place.
 */
export function apiHandler(access: ApiAccess, route: Route) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>(timeouts)
    .use(logContext())
    .use(traceSegment())
    .use(metricsFlush)
    .use(errorEnvelope)
    .handler(async (event, context) => {
      const headers = lowerCaseHeaders(event);
      const body = parseBody(event);
      const tenant = await authenticate(access, headers);
      const keys = { tenant: tenant.id, job_id: jobIdOf(event) };
      log.appendKeys(keys);
      annotate(keys);
      // The plan's requests per minute, per tenant (API Gateway's stage throttling guards the whole API).
      await admitRequest(access.usage, tenant, Date.now());
      return route({ event, headers, body, tenant, timeLeftMs: timeLeft(context) });
    });
}

/** A route without an API key (health, download). */
export function publicHandler(route: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>(timeouts).use(logContext()).use(traceSegment()).use(metricsFlush).use(errorEnvelope).handler(route);
}
