import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listJobsQuerySchema } from '../../lambdas/core/jobs/list-request';
import type { Job, JobStatus, ZipRecord, ZipStatus } from '../../lambdas/core/jobs/model';
import { jobListEntry, jobSummary } from '../../lambdas/core/jobs/view';
import { jobZipNames } from '../../lambdas/core/jobs/zip-filenames';
import { exampleJob } from '../support/job-fixture';

function job(overrides: Partial<Job> & { zip_filename?: string | null; max_zip_size_bytes?: number | null } = {}): Job {
  const { zip_filename = null, max_zip_size_bytes = null, ...rest } = overrides;
  return exampleJob({ options: { zip_filename, max_zip_size_bytes, fail_on_url_error: true } as Job['options'], ...rest });
}

/** The ZIP records Prepare and the builds would have left for this job. */
function zipsOf(j: Job, statuses: ZipStatus[], sizes: number[]): ZipRecord[] {
  const names = jobZipNames(j, statuses.length);
  return statuses.map((status, i) => ({
    job_id: j.id,
    id: `zip_${i + 1}`,
    sequence: i + 1,
    status,
    filename: names[i]!,
    file_count: 1,
    size: status === 'completed' ? sizes[i]! : null,
    key: '',
    bin_key: '',
    errors: [],
    files_done: 0,
    bytes_done: 0,
    updated_at: j.updated_at,
  }));
}

describe('a listing entry, from the job item alone', () => {
  it('says what GET /jobs/:id says about the same job and its ZIPs', () => {
    const names = fc.constantFrom(null, 'my-archive', 'photos.tar.gz', 'photos-{n}-of-{total}.zip', '{date}-backup-{n2}.zip');
    const zipStatus = fc.constantFrom<ZipStatus>('pending', 'processing', 'completed', 'failed');
    fc.assert(
      fc.property(names, fc.array(fc.tuple(zipStatus, fc.integer({ min: 22, max: 2 ** 40 })), { minLength: 1, maxLength: 30 }), (name, zs) => {
        const split = zs.length > 1;
        const statuses = zs.map(([s]) => s);
        const allDone = statuses.every((s) => s === 'completed');
        const status: JobStatus = allDone ? 'completed' : statuses.some((s) => s !== 'completed' && s !== 'failed') ? 'processing' : 'failed';
        const total = zs.reduce((n, [s, size]) => n + (s === 'completed' ? size : 0), 0);
        const j = job({ zip_filename: name, max_zip_size_bytes: split ? 104_857_600 : null, status, zip_count: zs.length, total_size: total });
        const zips = zipsOf(j, statuses, zs.map(([, size]) => size));
        expect(jobListEntry(j)).toEqual(jobSummary(j, zips, jobZipNames(j, 1)[0]!));
      }),
    );
  });

  it('names the ZIP to come before Prepare has run', () => {
    const j = job({ status: 'pending', zip_count: 0, total_size: null, file_count: null, completed_at: null });
    expect(jobListEntry(j)).toMatchObject({ zip_filename: `archive-${j.id}.zip`, zip_size: null, multi_zip: false, zip_count: 0 });
  });

  it('gives a split job the first ZIP’s name and no zip_size', () => {
    const j = job({ zip_filename: 'abc.zip', max_zip_size_bytes: 104_857_600, zip_count: 15, total_size: 5_000 });
    expect(jobListEntry(j)).toMatchObject({ zip_filename: 'abc_01.zip', zip_size: null, multi_zip: true, zip_count: 15, total_size: 5_000 });
  });
});

describe('GET /jobs query', () => {
  const parse = (q: Record<string, string>) => listJobsQuerySchema.safeParse(q);

  it('defaults to 20 of every status', () => {
    expect(parse({})).toEqual({ success: true, data: { limit: 20 } });
    expect(parse({ limit: '100', status: 'failed', cursor: 'c' })).toEqual({ success: true, data: { limit: 100, status: 'failed', cursor: 'c' } });
  });

  it('refuses a limit outside 1–100 or not an integer, an unknown status, and unknown parameters, naming them', () => {
    for (const limit of ['0', '101', '-1', '1.5', 'ten', '', '1e2', ' 5']) {
      const r = parse({ limit });
      expect(r.success, limit).toBe(false);
      expect(r.error?.issues[0]?.path, limit).toEqual(['limit']);
    }
    expect(parse({ status: 'done' }).error?.issues[0]?.path).toEqual(['status']);
    expect(parse({ cursor: '' }).error?.issues[0]?.path).toEqual(['cursor']);
    expect(parse({ page: '2' }).error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['page'] });
  });
});
