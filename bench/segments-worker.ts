/**
 * One step of a ZIP's build, alone in its process as a Lambda invocation
 * is (argv: a JSON SegmentsWorkerSpec): PlanZip, one BuildSegment,
 * FinishSegments, or BuildZip building the ZIP as one. The real use cases
 * over the real adapters: S3 (the SDK's client, the blob store, the
 * multipart sink and part uploads) on the endpoint given, sources through
 * the real fetcher. Only the job store and its lists are in memory, each
 * process holding the job and its ZIP as the table would at that step.
 * Reports its time, CPU and peak RSS.
 */
import type { Job, ZipRecord } from '../lambdas/core/jobs/model';
import type { SegmentLimits } from '../lambdas/core/zip';
import { s3BlobStore } from '../lambdas/adapters/blob-store';
import { entrySources } from '../lambdas/adapters/entry-sources';
import { multipartZipSinks } from '../lambdas/handlers/workflow/zip-sinks';
import { buildZip } from '../lambdas/usecases/build-zip';
import { buildSegment } from '../lambdas/usecases/build-zip/segment-build';
import { finishSegments } from '../lambdas/usecases/build-zip/segment-finish';
import { planZip } from '../lambdas/usecases/build-zip/segment-plan';
import { memoryJobLists } from '../test/support/memory-lists';
import { memoryJobStore } from '../test/support/memory-stores';
import { FETCH } from './lib/build-zip-job';
import { report } from './lib/child';
import { discardingS3Client } from './lib/discard-s3';

export type SegmentsStep = 'plan' | 'segment' | 'finish' | 'whole';

export interface SegmentsWorkerSpec {
  readonly endpoint: string;
  readonly bucket: string;
  readonly jobId: string;
  readonly createdAt: string;
  readonly files: number;
  readonly binKey: string;
  readonly step: SegmentsStep;
  readonly segment?: number;
  readonly limits: SegmentLimits;
}

export interface SegmentsWorkerRun {
  readonly step: SegmentsStep;
  /** The use case's own time, from its call to its return. */
  readonly seconds: number;
  /** User + system CPU of the whole process, start-up included. */
  readonly cpuSeconds: number;
  /** `process.resourceUsage().maxRSS`, in bytes. */
  readonly maxRssBytes: number;
  /** PlanZip: the segments planned (none: build as one). */
  readonly segments?: readonly number[];
  /** FinishSegments and BuildZip: the ZIP record at the end. */
  readonly zip?: { readonly status: string; readonly size?: number | null; readonly file_count?: number };
}

const spec = JSON.parse(process.argv[2]!) as SegmentsWorkerSpec;

report(async (): Promise<SegmentsWorkerRun> => {
  const s3 = discardingS3Client(spec.endpoint);
  const job = {
    id: spec.jobId,
    tenant_id: 'bench',
    run: 1,
    status: 'processing',
    options: { compression: 'store', fail_on_url_error: true, max_zip_size_bytes: null, allow_oversize_zips: false },
    url_count: spec.files,
    created_at: spec.createdAt,
  } as unknown as Job;
  const store = memoryJobStore([job]);
  // PlanZip (or BuildZip) finds the ZIP pending and takes it; the segments and the finish step find it as PlanZip left it.
  const taken = spec.step === 'segment' || spec.step === 'finish';
  const zip = { job_id: job.id, id: 'zip_1', sequence: 1, file_count: spec.files, ...(taken ? { status: 'processing', segment_progress: {} } : { status: 'pending' }) };
  store.zipsOf(job.id).set(1, zip as ZipRecord);
  const deps = {
    store,
    lists: memoryJobLists(),
    blobs: s3BlobStore(s3, spec.bucket),
    now: () => new Date(),
    sinks: multipartZipSinks({ s3, bucket: spec.bucket }),
    sources: entrySources(FETCH),
    fetch: FETCH,
    segments: spec.limits,
  };
  const ref = { zip_id: 'zip_1', sequence: 1, bin_key: spec.binKey };
  const t0 = performance.now();
  let segments: readonly number[] | undefined;
  if (spec.step === 'plan') segments = (await planZip(deps, job.id, ref)).segments;
  else if (spec.step === 'segment') await buildSegment(deps, job.id, ref, spec.segment!);
  else if (spec.step === 'finish') await finishSegments(deps, job.id, ref);
  else await buildZip(deps, job.id, ref);
  const seconds = (performance.now() - t0) / 1000;
  const usage = process.resourceUsage();
  const ended = store.zipsOf(job.id).get(1)!;
  return {
    step: spec.step,
    seconds,
    cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
    maxRssBytes: usage.maxRSS * 1024,
    ...(segments && { segments }),
    ...((spec.step === 'finish' || spec.step === 'whole') && { zip: { status: ended.status, size: ended.size, file_count: ended.file_count } }),
  };
});
