/** BuildZip over an in-memory S3 (FakeS3) and job store (buildFakes): one job and its one pending ZIP. */
import type { S3Client } from '@aws-sdk/client-s3';
import type { UrlFetchOptions } from '../../lambdas/adapters/entry-sources';
import type { Bin } from '../../lambdas/core/jobs/model';
import { TEST_FETCH, buildFakes, fakeBuildDeps } from './build-fakes';
import type { FakeS3 } from './fake-s3';
import { listedErrors } from './memory-lists';

/**
 * BuildZip's deps over `s3` and a job of `options` (default: store, fail_on_url_error, unsplit); the job is
 * a plain object the test may change. Sources are fetched with the test settings and `fetch` over them.
 */
export function buildZipSetup(s3: FakeS3, bin: Bin, options: Record<string, unknown> = {}, fetch: Partial<UrlFetchOptions> = {}) {
  const job: Record<string, unknown> = {
    id: 'job-1',
    created_at: '2026-01-01T00:00:00.000Z',
    options: { compression: 'store', fail_on_url_error: true, max_zip_size_bytes: null, allow_oversize_zips: false, ...options },
  };
  const fakes = buildFakes(job, bin);
  const sourceFetch = { ...TEST_FETCH, ...fetch };
  const deps = fakeBuildDeps(fakes, s3 as unknown as S3Client, 'b', { fetch: sourceFetch });
  /** The file errors the build listed (kept beside the job, not on the ZIP's record). */
  const fileErrors = () => listedErrors(deps.lists, 'job-1');
  return { deps, zips: fakes.zips, job, fileErrors, fetch: sourceFetch };
}
