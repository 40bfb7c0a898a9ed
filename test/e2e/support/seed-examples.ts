/**
 * The example requests and responses of the hosted APIs zipjobs stands in
 * for, copied as their documentation prints them: Eazip's Jobs API (the
 * current `files` form, authenticated with `X-API-Key`, and the older `urls`
 * form, with `Authorization: Bearer`). ZipKit documents its body in prose
 * only (`urls`: objects with `url` and `filename`); its example is built from
 * that. Source hosts are `https://example.com` as written; the replay points
 * them at a local source server.
 */

export const EXAMPLE_HOST = 'https://example.com';

/** A request as the documentation's curl line sends it. */
export interface ExampleRequest {
  readonly method: 'GET' | 'POST';
  /** Path and query after the API's base URL; `:id` is the job the replay made. */
  readonly path: string;
  /** The `-d` argument, verbatim. */
  readonly body?: string;
}

export interface EazipDocument {
  readonly name: string;
  readonly auth: 'X-API-Key' | 'Bearer';
  readonly create: ExampleRequest;
  readonly createResponse: unknown;
  readonly list: ExampleRequest;
  readonly listResponse: unknown;
  readonly get: ExampleRequest;
  readonly getResponse: { readonly success: true; readonly job: Record<string, unknown> };
  readonly errorsResponse: { readonly success: true; readonly job: Record<string, unknown> };
  readonly retry: ExampleRequest;
  readonly retryResponse: unknown;
}

const created = { success: true, job_id: '550e8400-e29b-41d4-a716-446655440000' };
const listMeta = { limit: 10, total: 42, next_cursor: '2025-01-20T09:00:00.000Z', has_more: true };
const errorsResponse = {
  success: true,
  job: { id: '...', status: 'completed', errors: [{ url: 'https://example.com/missing.pdf', error: 'HTTP 404' }] },
} as const;
const retry: ExampleRequest = { method: 'POST', path: '/jobs/:id/retry', body: '{ "from_checkpoint": true }' };

/** Eazip, current Jobs API (`files`). */
export const EAZIP_FILES: EazipDocument & { readonly split: ExampleRequest; readonly splitGetResponse: { job: Record<string, unknown> } } = {
  name: 'Eazip Jobs API (files)',
  auth: 'X-API-Key',
  create: {
    method: 'POST',
    path: '/jobs',
    body: `{
    "files": [
      { "url": "https://example.com/file1.pdf", "filename": "invoice-001.pdf" },
      { "url": "https://example.com/file2.pdf" },
      { "url": "https://example.com/image.png", "filename": "preview.png" }
    ],
    "zip_filename": "my-archive",
    "expires_in": 172800,
    "fail_on_url_error": false,
    "metadata": { "order_id": "ord_123" }
  }`,
  },
  createResponse: created,
  split: {
    method: 'POST',
    path: '/jobs',
    body: `{
    "files": [
      { "url": "https://example.com/photo-001.jpg" },
      { "url": "https://example.com/photo-002.jpg" }
    ],
    "zip_filename": "photos.zip",
    "max_zip_size_bytes": 2147483648,
    "split_strategy": "preserve-order",
    "fail_on_zip_error": true
  }`,
  },
  list: { method: 'GET', path: '/jobs?status=completed&limit=10' },
  listResponse: {
    success: true,
    jobs: [
      {
        id: '550e8400-e29b-41d4-a716-446655440000', status: 'completed', url_count: 3, file_count: 3,
        zip_filename: 'my-archive.zip', zip_size: 1048576, multi_zip: false, zip_count: 1, total_size: 1048576,
        max_zip_size_bytes: null, fail_on_url_error: true, created_at: '2025-01-21T10:00:00.000Z',
        completed_at: '2025-01-21T10:00:45.000Z', expires_at: '2025-01-23T10:00:00.000Z',
      },
    ],
    meta: listMeta,
  },
  get: { method: 'GET', path: '/jobs/:id' },
  getResponse: {
    success: true,
    job: {
      id: '550e8400-e29b-41d4-a716-446655440000',
      status: 'completed',
      files: [
        { url: 'https://example.com/file1.pdf', filename: 'invoice-001.pdf' },
        { url: 'https://example.com/file2.pdf', filename: null },
        { url: 'https://example.com/image.png', filename: 'preview.png' },
      ],
      url_count: 3, file_count: 3, zip_filename: 'my-archive.zip', zip_size: 1048576, fail_on_url_error: true,
      download_url: 'https://api.eazip.io/download/eyJ...', metadata: { order_id: 'ord_123' },
      created_at: '2025-01-21T10:00:00.000Z', completed_at: '2025-01-21T10:00:45.000Z', expires_at: '2025-01-23T10:00:00.000Z',
      multi_zip: false, max_zip_size_bytes: null, split_strategy: 'preserve-order', fail_on_zip_error: true,
      zip_count: 1, total_size: 1048576,
      zips: [
        { id: 'zip_a1b2c3d4e5f6', sequence: 1, status: 'completed', filename: 'my-archive.zip', file_count: 3, size: 1048576, download_url: 'https://api.eazip.io/download/eyJ...' },
      ],
    },
  },
  // The auto-split response; its `files` (1000 entries in the document) is shown empty here.
  splitGetResponse: {
    job: {
      id: '9c4d2f8e-1234-5678-90ab-cdef01234567', status: 'completed', files: [], url_count: 1000, file_count: 1000,
      zip_filename: 'photos_01.zip', zip_size: null, fail_on_url_error: true, download_url: null, metadata: null,
      created_at: '2026-04-22T10:00:00.000Z', completed_at: '2026-04-22T10:08:12.000Z', expires_at: '2026-04-23T10:00:00.000Z',
      multi_zip: true, max_zip_size_bytes: 2147483648, split_strategy: 'preserve-order', fail_on_zip_error: true,
      zip_count: 2, total_size: 3221225472,
      zips: [
        { id: 'zip_aaa111', sequence: 1, status: 'completed', filename: 'photos_01.zip', file_count: 612, size: 2147483648, download_url: 'https://api.eazip.io/download/eyJ...AAA' },
        { id: 'zip_bbb222', sequence: 2, status: 'completed', filename: 'photos_02.zip', file_count: 388, size: 1073741824, download_url: 'https://api.eazip.io/download/eyJ...BBB' },
      ],
    },
  },
  errorsResponse,
  retry,
  retryResponse: created,
};

/** Eazip, older Jobs API (`urls: string[]`). */
export const EAZIP_URLS: EazipDocument = {
  name: 'Eazip Jobs API (older, urls)',
  auth: 'Bearer',
  create: {
    method: 'POST',
    path: '/jobs',
    body: `{
"urls": [
"https://example.com/file1.pdf",
"https://example.com/file2.pdf",
"https://example.com/image.png"
],
"zip_filename": "my-archive",
"expires_in": 172800,
"fail_on_url_error": false,
"metadata": {
"order_id": "ord_123"
}
}`,
  },
  createResponse: created,
  list: { method: 'GET', path: '/jobs?status=completed&limit=10' },
  listResponse: {
    success: true,
    jobs: [
      {
        id: '550e8400-e29b-41d4-a716-446655440000', status: 'completed', url_count: 3, file_count: 3,
        zip_filename: 'my-archive.zip', zip_size: 1048576, fail_on_url_error: true, created_at: '2025-01-21T10:00:00.000Z',
        completed_at: '2025-01-21T10:00:45.000Z', expires_at: '2025-01-23T10:00:00.000Z',
      },
    ],
    meta: listMeta,
  },
  get: { method: 'GET', path: '/jobs/:id' },
  getResponse: {
    success: true,
    job: {
      id: '550e8400-e29b-41d4-a716-446655440000',
      status: 'completed',
      urls: ['https://example.com/file1.pdf', 'https://example.com/file2.pdf', 'https://example.com/image.png'],
      url_count: 3, file_count: 3, zip_filename: 'my-archive.zip', zip_size: 1048576, fail_on_url_error: true,
      download_url: 'https://api.eazip.io/download/eyJ...', metadata: { order_id: 'ord_123' },
      created_at: '2025-01-21T10:00:00.000Z', completed_at: '2025-01-21T10:00:45.000Z', expires_at: '2025-01-23T10:00:00.000Z',
    },
  },
  errorsResponse,
  retry,
  retryResponse: created,
};

/** ZipKit's zip body: `urls` as `{url, filename}` objects (its bucket fields, `bucket_name`, `key`, `service`, are left out). */
export const ZIPKIT_URL_OBJECTS = `{
  "urls": [
    { "url": "https://example.com/reports/q1.pdf", "filename": "Q1 Report.pdf" },
    { "url": "https://example.com/reports/q2.pdf", "filename": "reports/Q2 Report.pdf" }
  ]
}`;
