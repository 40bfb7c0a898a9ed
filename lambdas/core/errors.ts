/**
 * The service's failures, one class per public error code of docs/API.md. Handlers
 * map them to HTTP in one place (lambdas/handlers/http/errors.ts); anything
 * else is a fault of ours and becomes a 500 that leaks nothing.
 */
export interface ErrorDetail {
  readonly path: string;
  readonly message: string;
}

export abstract class ServiceError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  readonly details: readonly ErrorDetail[] | undefined;

  constructor(message: string, details?: readonly ErrorDetail[]) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

export class InvalidRequestError extends ServiceError {
  readonly code = 'INVALID_REQUEST';
  readonly status = 400;
}

export class UnauthorizedError extends ServiceError {
  readonly code = 'UNAUTHORIZED';
  readonly status = 401;
}

export class PlanLimitExceededError extends ServiceError {
  readonly code = 'PLAN_LIMIT_EXCEEDED';
  readonly status = 403;
}

export class QuotaExceededError extends ServiceError {
  readonly code = 'QUOTA_EXCEEDED';
  readonly status = 403;
}

export class InvalidTokenError extends ServiceError {
  readonly code = 'INVALID_TOKEN';
  readonly status = 403;
}

export class ExpiredTokenError extends ServiceError {
  readonly code = 'EXPIRED_TOKEN';
  readonly status = 403;
}

export class NotFoundError extends ServiceError {
  readonly code = 'NOT_FOUND';
  readonly status = 404;
}

export class ConflictError extends ServiceError {
  readonly code = 'CONFLICT';
  readonly status = 409;
}

/** A refusal that passes: the answer says when to ask again (`Retry-After`). */
export abstract class RetryLaterError extends ServiceError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

export class RateLimitedError extends RetryLaterError {
  readonly code = 'RATE_LIMITED';
  readonly status = 429;
}

/** Stream mode: a source changed or failed before the first byte of a download was sent. */
export class SourceFailedError extends ServiceError {
  readonly code = 'SOURCE_FAILED';
  readonly status = 502;
}

/** A ZipBall still being prepared when its download waited as long as it may. */
export class NotReadyError extends RetryLaterError {
  readonly code = 'NOT_READY';
  readonly status = 503;
}

/** A request that ran out of time (the service is overloaded): nothing was done, ask again after `Retry-After`. */
export class ServiceUnavailableError extends RetryLaterError {
  /** The `Retry-After` of a request refused for want of time. */
  static readonly RETRY_AFTER_SECONDS = 5;

  readonly code = 'SERVICE_UNAVAILABLE';
  readonly status = 503;
}

export class PayloadTooLargeError extends ServiceError {
  readonly code = 'PAYLOAD_TOO_LARGE';
  readonly status = 413;
}
