import { z } from 'zod';
import type { ApiOperation, ResponseSpec } from './operations';
import { errorEnvelopeSchema } from './responses';

type JsonSchema = Record<string, unknown>;

/**
 * JSON Schema (2020-12, OpenAPI 3.1's dialect) of a zod schema, as zod 4
 * writes it. Requests are described as they may be sent (`io: 'input'`:
 * defaulted fields optional), responses as they are produced. Refinements a
 * JSON Schema cannot say (URL checks, "exactly one of files or urls") stay in
 * zod and are enforced by the service.
 */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return rest;
}

const ERROR = '#/components/responses/Error';

function responseObject(spec: ResponseSpec): JsonSchema {
  const headers = spec.headers
    ? { headers: Object.fromEntries(Object.entries(spec.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }])) }
    : {};
  if (spec.json) return { description: spec.description, ...headers, content: { 'application/json': { schema: jsonSchemaOf(spec.json, 'output') } } };
  if (spec.media) return { description: spec.description, ...headers, content: { [spec.media]: { schema: { type: 'string' } } } };
  return { description: spec.description, ...headers };
}

function parameters(op: ApiOperation): JsonSchema[] {
  const path = [...op.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  const querySchema = op.query ? jsonSchemaOf(op.query, 'input') : undefined;
  const required = new Set((querySchema?.required as string[] | undefined) ?? []);
  const query = Object.entries((querySchema?.properties as Record<string, JsonSchema> | undefined) ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: required.has(name),
    schema,
  }));
  const headers = Object.entries(op.headers ?? {}).map(([name, description]) => ({ name, in: 'header', required: false, description, schema: { type: 'string' } }));
  return [...path, ...query, ...headers];
}

function operationObject(op: ApiOperation): JsonSchema {
  const params = parameters(op);
  return {
    operationId: op.id,
    summary: op.summary,
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(op.body ? { requestBody: { required: false, content: { 'application/json': { schema: jsonSchemaOf(op.body, 'input') } } } } : {}),
    responses: {
      ...Object.fromEntries(Object.entries(op.responses).map(([status, spec]) => [status, responseObject(spec)])),
      default: { $ref: ERROR },
    },
    // No key: an empty requirement. With one: either header.
    security: op.auth === false ? [] : [{ ApiKeyHeader: [] }, { BearerKey: [] }],
  };
}

export interface OpenApiInfo {
  readonly version: string;
  /** The API's base URL as the client called it. */
  readonly serverUrl: string;
}

/** The OpenAPI 3.1 document of `operations`. */
export function openApiDocument(operations: readonly ApiOperation[], info: OpenApiInfo): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const op of operations) (paths[op.path] ??= {})[op.method.toLowerCase()] = operationObject(op);
  return {
    openapi: '3.1.1',
    info: {
      title: 'zipjobs',
      version: info.version,
      description: 'ZIP archives from lists of URLs. Success bodies are `{"success": true, …}`; failures `{"success": false, "error": {code, message, details?}}`.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: info.serverUrl }],
    paths,
    components: {
      securitySchemes: {
        ApiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        BearerKey: { type: 'http', scheme: 'bearer', description: 'the API key as a bearer token' },
      },
      responses: {
        Error: {
          description: 'an error: INVALID_REQUEST 400, UNAUTHORIZED 401, PLAN_LIMIT_EXCEEDED / QUOTA_EXCEEDED / INVALID_TOKEN / EXPIRED_TOKEN 403, NOT_FOUND 404, CONFLICT 409, PAYLOAD_TOO_LARGE 413, RATE_LIMITED 429 (with Retry-After), INTERNAL 500',
          content: { 'application/json': { schema: jsonSchemaOf(errorEnvelopeSchema, 'output') } },
        },
      },
    },
  };
}
