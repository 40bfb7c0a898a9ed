import type { APIGatewayProxyEvent } from 'aws-lambda';

/**
 * The public base URL for links in responses: PUBLIC_BASE_URL when set (a
 * custom domain), else the host the client called plus API Gateway's stage
 * prefix (requestContext.path is event.path with the stage or base path before it).
 */
export function baseUrl(event: APIGatewayProxyEvent, configured: string | undefined): string {
  if (configured) return configured.replace(/\/+$/, '');
  const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const proto = headers['x-forwarded-proto'] ?? 'https';
  const host = headers['host'] ?? event.requestContext.domainName ?? 'localhost';
  const fullPath = event.requestContext.path ?? event.path;
  const prefix = fullPath.endsWith(event.path) ? fullPath.slice(0, fullPath.length - event.path.length) : '';
  return `${proto}://${host}${prefix}`;
}
