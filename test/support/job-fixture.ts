import type { Job } from '../../lambdas/core/jobs/model';

/** A finished one-ZIP job record as the store holds it; tests override what they look at. */
export const exampleJob = (overrides: Partial<Job> = {}): Job => ({
  id: '6f1c0c2e-1111-4a4a-8b8b-000000000001',
  tenant_id: 'acme',
  status: 'completed',
  options: { zip_filename: null, max_zip_size_bytes: null, fail_on_url_error: true } as Job['options'],
  url_count: 3,
  file_count: 3,
  zip_count: 1,
  total_size: 1000,
  errors: [],
  created_at: '2026-04-23T10:00:00.000Z',
  updated_at: '2026-04-23T10:00:00.000Z',
  completed_at: '2026-04-23T10:01:00.000Z',
  expires_at: '2026-04-24T10:00:00.000Z',
  manifest_key: 'manifests/x.json',
  run: 1,
  ...overrides,
});
