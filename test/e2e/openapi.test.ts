import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { apiRoutes } from '../../lib/functions';
import { OpenApiChecker, servedDocument } from './support/openapi-check';
import { useLocalApi } from './support/use-local-api';

const api = useLocalApi();

describe('GET /openapi.json', () => {
  it('serves the OpenAPI 3.1 document without a key, valid against the OpenAPI 3.1 schema', async () => {
    const res = await fetch(`${api.url}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const doc = (await res.json()) as Record<string, any>;
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.servers).toEqual([{ url: api.url }]);
    // The document the e2e suite checks responses against is the one served.
    expect({ ...doc, info: { ...doc.info, version: 'test' } }).toEqual(servedDocument(api.url));

    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('has an operation for every route, with the request schemas the service validates with', async () => {
    const doc = servedDocument(api.url) as Record<string, any>;
    for (const route of apiRoutes) expect(doc.paths[route.path]?.[route.method.toLowerCase()], `${route.method} ${route.path}`).toBeDefined();
    const create = doc.paths['/jobs'].post.requestBody.content['application/json'].schema;
    expect(create.additionalProperties).toBe(false);
    expect(Object.keys(create.properties.files.items.properties)).toEqual(['url', 'object', 'filename']);
    expect(doc.paths['/jobs'].get.parameters.map((p: { name: string }) => p.name)).toEqual(['limit', 'cursor', 'status']);
    expect(doc.paths['/health'].get.security).toEqual([]);
    expect(doc.paths['/jobs/{id}'].get.security).toEqual([{ ApiKeyHeader: [] }, { BearerKey: [] }]);
  });

  it("refuses a response the document does not describe (the suite's check can fail)", async () => {
    const created = await api.request('POST', '/jobs', { body: { urls: ['http://127.0.0.1:9/a.txt'] } });
    const job = await api.waitForJob(created.body.job_id);
    const checker = new OpenApiChecker();
    const exchange = (body: unknown, status = 200) => ({
      method: 'GET',
      resource: '/jobs/{id}',
      path: `/jobs/${job.id}`,
      status,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      streamed: false,
    });
    const answer = (fields: Record<string, unknown>) => ({ success: true, job: fields });
    expect(checker.problem(exchange(answer(job)))).toBeNull();
    expect(checker.problem(exchange(answer({ ...job, surprise: 1 })))).toMatch(/additional properties \(surprise\)/);
    const { progress: _progress, ...withoutProgress } = job;
    expect(checker.problem(exchange(answer(withoutProgress)))).toMatch(/progress/);
    expect(checker.problem(exchange(answer({ ...job, status: 'lost' })))).toMatch(/\/job\/status/);
    expect(checker.problem(exchange(job))).toMatch(/additional properties/);
    expect(checker.problem(exchange(answer(job), 201))).toMatch(/not in the document/);
    expect(checker.problem(exchange({ success: false, error: { code: 'NOT_FOUND' } }, 404))).toMatch(/message/);
  });
});
