import type { APIGatewayProxyResult } from 'aws-lambda';
import { RetryLaterError, ServiceError } from '../../core/errors';

const JSON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' };

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

export function success(statusCode: number, fields: Record<string, unknown>): APIGatewayProxyResult {
  return json(statusCode, { success: true, ...fields });
}

/** The one mapping from errors to docs/API.md's envelope; faults of ours leak nothing. */
export function errorResponse(error: unknown): APIGatewayProxyResult {
  if (error instanceof ServiceError) {
    const headers: Record<string, string> = error instanceof RetryLaterError ? { 'Retry-After': String(error.retryAfterSeconds) } : {};
    return json(
      error.status,
      { success: false, error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } },
      headers,
    );
  }
  return json(500, { success: false, error: { code: 'INTERNAL', message: 'internal error' } });
}
