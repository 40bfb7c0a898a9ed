/**
 * Whether a ZIP is built in segments, and its plan: chosen when every entry
 * is pinned as STORE with a known size (so the layout is fixed), its storage
 * takes a shared multipart upload, and the archive is large enough for two
 * segments of the minimum size; otherwise BuildZip builds it as one.
 */
import { isTerminal, type Bin, type Job, type JobError } from '../../core/jobs/model';
import { exactLayout } from '../../core/jobs/stream-bin';
import { planSegments, segmentCount, type SegmentLimits } from '../../core/zip';
import type { WorkflowDeps } from '../workflow';
import type { ZipRef, ZipSinks } from './ports';
import { failZip } from './zip-record';
import { segmentKeys, segmentRun, type SegmentedZip } from './segment-store';

export interface SegmentPlanDeps extends WorkflowDeps {
  readonly sinks: ZipSinks;
  /** Part size, fewest bytes per segment and most segments; absent: ZIPs are never built in segments. */
  readonly segments?: SegmentLimits;
}

/** A ZIP being built in segments, as each step loads it. */
export interface SegmentedBuild {
  readonly job: Job;
  readonly ref: ZipRef;
  readonly bin: Bin;
  readonly segmented: SegmentedZip;
  /** The ZIP and its job's run, as the segment records' keys name them. */
  readonly zipKey: string;
}

/** What PlanZip answers: the segments to build (none: build the ZIP as one). */
export interface ZipPlan {
  readonly segments: number[];
}

/**
 * PlanZip: the ZIP's segments, creating its shared upload the first time
 * (a retry gets the same plan back). No segments for a ZIP that BuildZip
 * builds as one, or that has ended.
 */
export async function planZip(deps: SegmentPlanDeps, jobId: string, ref: ZipRef): Promise<ZipPlan> {
  const sequential = { segments: [] };
  if (!deps.segments || !deps.sinks.parts) return sequential;
  // The bin alone decides a ZIP built as one (most ZIPs): one read, nothing else.
  const bin = await deps.blobs.getJson<Bin>(ref.bin_key);
  const layout = exactLayout(bin, { patched: true });
  if (!layout || segmentCount(layout.total, deps.segments) < 2) return sequential;
  const job = await deps.store.getJob(jobId);
  if (!job) throw new Error(`job ${jobId} not found`);
  const key = segmentKeys.plan(jobId, segmentRun(ref.zip_id, job.run));
  const existing = await deps.blobs.findJson<SegmentedZip>(key);
  if (existing) return { segments: existing.plan.segments.map((s) => s.index) };
  // Each segment reports its own progress under `segment_progress` (a new run's plan starts it afresh).
  const started = await deps.store.updateZip(jobId, ref.sequence, ['pending', 'processing'], { status: 'processing', segment_progress: {}, updated_at: deps.now().toISOString() });
  if (!started) return sequential; // ended already: BuildZip returns at once
  const plan = planSegments(layout.total, deps.segments);
  const uploads = await deps.sinks.parts(job, ref, bin);
  const segmented: SegmentedZip = { v: 1, upload_id: await uploads.create(), plan };
  await deps.blobs.putJson(key, segmented);
  return { segments: plan.segments.map((s) => s.index) };
}

/** The ZIP's job, bin and plan; undefined once the ZIP has ended. */
export async function loadSegmentedBuild(deps: WorkflowDeps, jobId: string, ref: ZipRef): Promise<SegmentedBuild | undefined> {
  const job = await deps.store.getJob(jobId);
  if (!job) throw new Error(`job ${jobId} not found`);
  const zip = (await deps.store.listZips(jobId)).find((z) => z.sequence === ref.sequence);
  if (!zip || isTerminal(zip.status) || isTerminal(job.status)) return undefined;
  const zipKey = segmentRun(ref.zip_id, job.run);
  const segmented = await deps.blobs.getJson<SegmentedZip>(segmentKeys.plan(jobId, zipKey));
  const bin = await deps.blobs.getJson<Bin>(ref.bin_key);
  return { job, ref, bin, segmented, zipKey };
}

/** Fails the ZIP for a file that could not be read as pinned, and gives up its upload; the other segments stop when they next look. */
export async function failSegmentedZip(deps: WorkflowDeps & { readonly sinks: ZipSinks }, build: SegmentedBuild, fileError: Required<JobError>): Promise<void> {
  const { job, ref, bin, segmented } = build;
  await failZip(deps, job.id, ref, { errors: [fileError], files_done: 0, bytes_done: 0 }, { error: `${fileError.url}: ${fileError.error}; the ZIP was being built in segments from the version probed, so it cannot be completed` });
  const uploads = await deps.sinks.parts?.(job, ref, bin);
  await uploads?.abort(segmented.upload_id);
}
