import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
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
});
