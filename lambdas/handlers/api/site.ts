import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { apiOperations } from '../../core/api/operations';
import { openApiDocument } from '../../core/api/openapi';
import { NotFoundError } from '../../core/errors';
import { loadEnv } from '../../env';
import { functionEnv } from '../../function-env';
import packageJson from '../../../package.json' with { type: 'json' };
import { publicHandler } from '../http/api-handler';
import { json } from '../http/responses';
import { baseUrl } from './base-url';

const { PUBLIC_BASE_URL } = loadEnv(functionEnv.Site);

/**
 * The dashboard's files: next to the bundle when deployed (the function's
 * spec copies them there), in lambdas/dashboard when run from the sources.
 */
const deployed = fileURLToPath(new URL('./dashboard/', import.meta.url));
const dashboardDir = existsSync(deployed) ? deployed : fileURLToPath(new URL('../../dashboard/', import.meta.url));
const MEDIA: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };
const assets = new Map(
  readdirSync(dashboardDir)
    .filter((name) => MEDIA[extname(name)])
    .map((name) => [name, readFileSync(`${dashboardDir}${name}`, 'utf8')]),
);
const page = readFileSync(`${dashboardDir}index.html`, 'utf8');

/** Scripts and styles from this origin only: no inline code, no other origin, no framing. */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "form-action 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');
const SECURITY_HEADERS = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

const attribute = (value: string) => value.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);

const text = (contentType: string, body: string, cache: string): APIGatewayProxyResult => ({
  statusCode: 200,
  headers: { 'Content-Type': contentType, 'Cache-Control': cache, ...SECURITY_HEADERS },
  body,
});

/** Public pages, no key and no data: the OpenAPI document and the dashboard (which asks for a key in the browser). */
export const handler = publicHandler(async (event) => {
  const base = baseUrl(event, PUBLIC_BASE_URL);
  switch (`${event.httpMethod} ${event.resource}`) {
    case 'GET /openapi.json':
      return json(200, openApiDocument(apiOperations, { version: packageJson.version, serverUrl: base }), { 'Cache-Control': 'public, max-age=300' });
    case 'GET /dashboard': {
      const html = page.replaceAll('{{API_BASE}}', attribute(base)).replaceAll('{{ASSETS}}', attribute(`${base}/dashboard`));
      return text('text/html; charset=utf-8', html, 'no-cache');
    }
    case 'GET /dashboard/{asset}': {
      const name = event.pathParameters?.asset ?? '';
      const body = assets.get(name);
      if (body === undefined) throw new NotFoundError(`no dashboard file ${name.slice(0, 64)}`);
      return text(MEDIA[extname(name)]!, body, 'no-cache');
    }
    default:
      throw new NotFoundError('no such route');
  }
});
