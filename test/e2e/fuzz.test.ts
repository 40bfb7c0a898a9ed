import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apiRoutes } from '../../lib/functions';
import type { ApiResponse } from './support/local-api';
import { useLocalApi } from './support/use-local-api';

// Random input at every endpoint: never a 5xx, always the envelope of docs/API.md.
const api = useLocalApi();

const ERROR_CODES = ['INVALID_REQUEST', 'UNAUTHORIZED', 'PLAN_LIMIT_EXCEEDED', 'QUOTA_EXCEEDED', 'INVALID_TOKEN', 'EXPIRED_TOKEN', 'NOT_FOUND', 'CONFLICT', 'PAYLOAD_TOO_LARGE', 'RATE_LIMITED'];

function expectEnvelope(res: ApiResponse): void {
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
  if (res.status >= 400) {
    expect(res.body.success).toBe(false);
    expect(ERROR_CODES).toContain(res.body.error.code);
    expect(typeof res.body.error.message).toBe('string');
    expect(res.body.error.message.length).toBeGreaterThan(0);
  } else {
    expect(res.body.success).toBe(true);
  }
}

// Sources that refuse at once, so the jobs random bodies happen to create end quickly.
const refusedUrl = fc.nat({ max: 20 }).map((n) => `http://127.0.0.1:1/f${n}.txt`);
const anyUrl = fc.oneof(refusedUrl, fc.string(), fc.webUrl(), fc.constant('ftp://x/y'), fc.constant('javascript:alert(1)'));

// Near-valid bodies: every field of the create table with valid and invalid values.
const createBody = fc.record(
  {
    files: fc.oneof(fc.array(fc.record({ url: anyUrl, filename: fc.option(fc.string(), { nil: undefined }) }, { requiredKeys: ['url'] }), { maxLength: 4 }), fc.anything()),
    urls: fc.oneof(fc.array(anyUrl, { maxLength: 4 }), fc.anything()),
    zip_filename: fc.oneof(fc.string(), fc.constantFrom('{n}.zip', '{x}', 'a{', '}', 'a/b', '{{n}}', '{date}-{n3}')),
    expires_in: fc.oneof(fc.integer(), fc.double(), fc.string()),
    fail_on_url_error: fc.anything(),
    metadata: fc.oneof(fc.dictionary(fc.string(), fc.string()), fc.anything()),
    max_zip_size_bytes: fc.oneof(fc.integer(), fc.constant(null), fc.constant(104857600)),
    split_strategy: fc.oneof(fc.constantFrom('preserve-order', 'ffd'), fc.string()),
    compression: fc.oneof(fc.constantFrom('auto', 'store', 'deflate'), fc.string()),
    mode: fc.oneof(fc.constantFrom('stored', 'stream'), fc.anything()),
    unknown_field: fc.anything(),
  },
  { requiredKeys: [] },
);

describe('fuzzing the API', () => {
  it('POST /jobs with random and near-valid bodies', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), createBody), async (body) => {
        expectEnvelope(await api.request('POST', '/jobs', { rawBody: JSON.stringify(body) ?? 'null', headers: { 'Content-Type': 'application/json' } }));
      }),
      { numRuns: 150 },
    );
  });

  it('POST /jobs with bodies that are not JSON', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary' }), async (raw) => {
        expectEnvelope(await api.request('POST', '/jobs', { rawBody: raw, headers: { 'Content-Type': 'application/json' } }));
      }),
      { numRuns: 100 },
    );
  });

  it('GET /jobs/:id, /download/:token and unknown paths with random segments', async () => {
    const segment = fc.oneof(
      fc.oneof(fc.uuid(), fc.string({ minLength: 1 }), fc.string({ minLength: 1000, maxLength: 3000 })).map(encodeURIComponent),
      fc.constantFrom('%E0%A4%A', '%', '..', '%2e%2e%2f'),
    );
    await fc.assert(
      fc.asyncProperty(segment, fc.constantFrom('/jobs/', '/download/', '/nowhere/'), fc.boolean(), async (s, prefix, withKey) => {
        expectEnvelope(await api.request('GET', `${prefix}${s}`, { key: withKey ? undefined : null }));
      }),
      { numRuns: 150 },
    );
  });

  it('random API keys and headers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), fc.constantFrom('X-API-Key', 'Authorization'), async (key, header) => {
        const value = key.replace(/[^\x20-\x7e]/g, '') || 'x';
        expectEnvelope(await api.request('GET', '/jobs/00000000-0000-4000-8000-000000000000', { key: null, headers: { [header]: value } }));
      }),
      { numRuns: 100 },
    );
  });

  // Names that are properties of every plain object, lone surrogates, numbers
  // past every limit and methods no route has, at every route.
  const prototypeNames = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];
  const oddSegment = fc.oneof(
    fc.constantFrom(...prototypeNames),
    fc.constantFrom(...prototypeNames).map((n) => `${n}.x.y`),
    fc.constantFrom('k1.__proto__.x', 'constructor.e30.x', '%ED%A0%80', '%F0%9F', '1e309', '-0', '99999999999999999999999'),
  );
  const hugeNumber = fc.constantFrom('1e309', '-1e309', '18446744073709551617', '1e-400', '-0', '123456789012345678901234567890');
  const loneSurrogate = fc.constantFrom('"\\ud800"', '"a\\udfffb"', '"\\udc00\\ud800"');
  const oddKey = fc.oneof(fc.constantFrom(...prototypeNames), fc.constantFrom('\\ud800', 'a\\udfff'));
  /** A JSON text (not an object literal: `__proto__` must arrive as an own key) with odd names and values. */
  const oddJson: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      hugeNumber,
      loneSurrogate,
      fc.constantFrom('null', 'true', '"http://127.0.0.1:1/x"', '"cron(0 3 * * ? *)"', '"rate(1 minute)"', '[]', '{}'),
      fc.array(tie('value'), { maxLength: 3 }).map((items) => `[${items.join(',')}]`),
      fc
        .array(fc.tuple(fc.oneof(oddKey, fc.constantFrom('files', 'urls', 'metadata', 'url', 'job', 'name', 'schedule_expression', 'expires_in', 'max_zip_size_bytes', 'from_checkpoint', 'limit')), tie('value')), { maxLength: 4 })
        .map((pairs) => `{${pairs.map(([k, v]) => `"${k}":${v}`).join(',')}}`),
    ),
  })).value;
  /** Bodies that pass most of validation, with one odd part. */
  const nearValid = fc.oneof(
    fc.tuple(oddKey, fc.oneof(loneSurrogate, fc.constant('"c"'))).map(([k, v]) => `{"urls":["http://127.0.0.1:1/a"],"metadata":{"${k}":${v}}}`),
    fc.tuple(oddKey, hugeNumber).map(([k, n]) => `{"urls":["http://127.0.0.1:1/a"],"expires_in":${n},"metadata":{"${k}":"v"}}`),
    fc.tuple(oddKey, fc.constantFrom('"rate(1 minute)"', '"rate(5 minutes)"', '"cron(0 3 * * ? *)"')).map(
      ([k, e]) => `{"name":"${k}","schedule_expression":${e},"job":{"urls":["http://127.0.0.1:1/a"],"metadata":{"${k}":"v"}}}`,
    ),
    fc.constantFrom('{"url":"http://127.0.0.1:1/hook"}', '{"from_checkpoint":true}', '{"__proto__":{"from_checkpoint":true}}'),
  );
  const method = fc.oneof(
    fc.constantFrom(...new Set(apiRoutes.map((r) => r.method))),
    fc.constantFrom('HEAD', 'OPTIONS', 'PROPFIND', 'PUT', 'DELETE', 'PATCH', 'FOO'),
  );
  const query = fc.option(
    fc.tuple(fc.oneof(fc.constantFrom('cursor', 'limit', 'status'), fc.constantFrom(...prototypeNames)), fc.oneof(oddSegment, hugeNumber)).map(
      ([k, v]) => `?${encodeURIComponent(k)}=${v}`,
    ),
    { nil: '' },
  );

  it('every route with prototype names, lone surrogates, huge numbers and odd methods', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...apiRoutes),
        oddSegment,
        method,
        query,
        fc.oneof(oddJson, nearValid),
        fc.boolean(),
        async (route, segment, m, q, body, withKey) => {
          const path = route.path.replace(/\{\w+\}/g, segment) + q;
          const res = await api.request(m, path, {
            key: withKey ? undefined : null,
            ...(m === 'GET' || m === 'HEAD' ? {} : { rawBody: body, headers: { 'Content-Type': 'application/json' } }),
          });
          // The document and the dashboard's pages are not JSON envelopes; their errors are.
          if (m === 'HEAD' || (route.fn === 'Site' && res.status < 300)) expect(res.status).toBeLessThan(500);
          else expectEnvelope(res);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the cases that once answered 500', async () => {
    const json = { 'Content-Type': 'application/json' };
    const cases: Array<[string, string, string | undefined, string | null | undefined]> = [
      ['GET', '/download/__proto__.x.y', undefined, null],
      ['GET', '/download/constructor.x.y', undefined, null],
      ['GET', '/jobs?cursor=constructor.x.y', undefined, undefined],
      ['GET', '/jobs?cursor=__proto__.x.y', undefined, undefined],
      ['POST', '/jobs', '{"urls":["http://127.0.0.1:1/a"],"metadata":{"constructor":"c"}}', undefined],
      ['POST', '/schedules', '{"name":"n","schedule_expression":"rate(1 day)","job":{"urls":["http://127.0.0.1:1/a"],"metadata":{"constructor":"c"}}}', undefined],
    ];
    for (const [m, path, body, key] of cases) {
      const res = await api.request(m, path, { key, ...(body !== undefined && { rawBody: body, headers: json }) });
      expectEnvelope(res);
    }
  });

  it('metadata keys round-trip whatever their name', async () => {
    const metadata = '{"constructor":"c","__proto__":"p","toString":"t","hasOwnProperty":"h"}';
    const created = await api.request('POST', '/jobs', { rawBody: `{"urls":["http://127.0.0.1:1/a"],"metadata":${metadata}}`, headers: { 'Content-Type': 'application/json' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    // JSON.parse makes `__proto__` an own key, as it is on the wire.
    const job = await api.waitForJob(created.body.job_id);
    expect(Object.entries(job.metadata as Record<string, string>).sort()).toEqual(Object.entries(JSON.parse(metadata) as Record<string, string>).sort());
  });
});
