import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { ApiExchange } from '../../../lib/local/api-gateway';
import { apiOperations } from '../../../lambdas/core/api/operations';
import { openApiDocument } from '../../../lambdas/core/api/openapi';

type Json = Record<string, any>;

/** The document the service serves, for any base URL. */
export const servedDocument = (serverUrl: string) => openApiDocument(apiOperations, { version: 'test', serverUrl });

/**
 * Checks responses against the OpenAPI document: a status the operation
 * lists must have its media type and (for JSON) match its schema; any other
 * status must be an error (4xx/5xx) in the error envelope.
 */
export class OpenApiChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly compiled = new Map<object, ValidateFunction>();
  private readonly doc: Json = servedDocument('http://localhost');

  constructor() {
    (addFormats as unknown as (ajv: Ajv2020) => void)(this.ajv);
  }

  private validator(schema: object): ValidateFunction {
    let fn = this.compiled.get(schema);
    if (!fn) this.compiled.set(schema, (fn = this.ajv.compile(schema)));
    return fn;
  }

  /** What is wrong with `exchange`, or null when it matches the document. */
  problem(exchange: ApiExchange): string | null {
    const operation: Json | undefined = this.doc.paths[exchange.resource]?.[exchange.method.toLowerCase()];
    if (!operation) return `the document has no operation ${exchange.method} ${exchange.resource}`;
    let response: Json | undefined = operation.responses[String(exchange.status)];
    if (!response) {
      if (exchange.status < 400) return `status ${exchange.status} is not in the document`;
      response = this.doc.components.responses.Error as Json;
    }
    const content: Json | undefined = response.content;
    if (!content) return exchange.body === '' ? null : `status ${exchange.status} has no body in the document, got ${exchange.body.slice(0, 200)}`;
    const [media, { schema }] = Object.entries(content)[0] as [string, Json];
    const type = exchange.headers['content-type'] ?? '';
    if (!type.startsWith(media.replace(/\*$/, ''))) return `content-type ${type || '(none)'}, the document says ${media}`;
    // A streamed body is not kept: its status and headers are what can be checked.
    if (exchange.streamed || media !== 'application/json' || schema.type === 'string') return null;
    let body: unknown;
    try {
      body = JSON.parse(exchange.body);
    } catch {
      return `the body is not JSON: ${exchange.body.slice(0, 200)}`;
    }
    const validate = this.validator(schema);
    if (validate(body)) return null;
    const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${e.params.additionalProperty})` : ''}`);
    return `status ${exchange.status} body does not match the document: ${errors.join('; ')}\n  body: ${exchange.body.slice(0, 500)}`;
  }
}
