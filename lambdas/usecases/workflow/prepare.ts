import type { EntryNameRecord } from '../../adapters/job-lists';
import { renderObjectKeys } from '../../core/buckets/object-key';
import type { ProbeResult } from '../../core/fetch';
import { JOB_SCOPE } from '../../core/jobs/long-lists';
import { objectKeys, type Bin, type BinEntry, type BinRef, type Job, type JobError, type Manifest, type ZipRecord } from '../../core/jobs/model';
import { exactLayout, pinEntries, pinIfFixed } from '../../core/jobs/stream-bin';
import { jobZipNames } from '../../core/jobs/zip-filenames';
import { mapConcurrent, packFiles, packItemFor } from '../../core/packing';
import type { Plan } from '../../core/plans';
import { NO_LIMIT, type RunBudget } from '../budget';
import { checkpointObjectKeys } from '../build-zip/checkpoint';
import { segmentRecordKeys } from '../build-zip/segment-store';
import { manifestOf } from '../job-manifest';
import { resolveManifest, storedOutcome, withObjectPin, type OpenObjects } from '../prepare-objects';
import { okOutcome, oversizeStreamZips, packStreamJob, rejectionErrors, type Packed } from '../prepare-outcomes';
import { loadJob, STORAGE_CONCURRENCY, type WorkflowDeps } from '../workflow';
import { recordZipLists } from '../zip-lists';
import { probeFiles } from './prepare-probes';

export interface PrepareDeps extends WorkflowDeps {
  /** Learns a source's size (HEAD, then a Range fallback); split and stream jobs only. */
  readonly probe?: (url: string) => Promise<ProbeResult>;
  /** The plan a job was created under: a stream archive may be no larger than its per-archive size. */
  readonly planOf?: (job: Job) => Plan;
  /** Reaches a tenant's configured bucket to resolve the stored objects a job names. */
  readonly objects?: OpenObjects;
}

/** Prepare's answer: where the bins list is, or `done: false` when the run stopped at its budget with the probes so far saved. */
export type Prepared = { readonly done: true; readonly bins_key: string; readonly bin_count: number } | { readonly done: false };

/**
 * Time Prepare keeps at most for the probes in flight and the save: a probe
 * takes up to two tries of 10 s to connect and 30 s for the headers.
 */
export const PREPARE_MARGIN_MS = 120_000;

/**
 * Prepare: turns the manifest into bins (one per ZIP; split jobs are probed
 * and packed), writes each bin and the bins list the Map reads, records the
 * ZIPs and moves the job on to `processing`. A retry from checkpoint keeps
 * completed ZIPs and queues the rest as they are. Safe to run twice: it
 * rewrites the same objects and records for the same run.
 *
 * Probing thousands of slow sources can outlast a Lambda run: past
 * `budget.stopAt` Prepare starts no new probe, saves the outcomes so far and
 * returns `{done: false}`; the state machine calls it again and it probes
 * only what is left.
 */
export async function prepare(deps: PrepareDeps, jobId: string, budget: RunBudget = NO_LIMIT): Promise<Prepared> {
  const loaded = await loadJob(deps.store, jobId);
  const existing = await deps.store.listZips(jobId);
  if (loaded.retry_from_checkpoint && existing.length > 0) return resumeZips(deps, loaded, existing);

  const listed = await manifestOf(deps, loaded);
  if (!listed.ok) {
    // The uploaded list is refused: no ZIP is built and Finalize fails the job with these errors.
    await dropZips(deps, loaded, existing, 0);
    return startBuilds(deps, loaded, [], 0, listed.errors);
  }
  const { job } = listed;
  const maxFiles = deps.planOf?.(job).max_files_per_job ?? Number.MAX_SAFE_INTEGER;
  const { manifest, errors: unresolved } = await resolveManifest(deps, job, listed.manifest, maxFiles);
  if (manifest.files.length === 0 || (unresolved.length > 0 && job.options.fail_on_url_error)) {
    // An object that cannot be found fails the job as a URL that cannot be fetched would.
    await dropZips(deps, job, existing, 0);
    return startBuilds(deps, job, [], 0, [...unresolved]);
  }
  const stream = job.options.mode === 'stream';
  const packed = job.options.max_zip_size_bytes === null && !stream ? wholeJob(manifest) : await packSplitJob(deps, job, manifest, budget);
  if (packed === undefined) return { done: false };
  if (!packed.ok) {
    // The job cannot keep its cap: no ZIP is built and Finalize fails the job with these errors.
    await dropZips(deps, job, existing, 0);
    return startBuilds(deps, job, [], 0, [...unresolved, ...(packed.errors ?? rejectionErrors(packed.rejected, manifest))]);
  }

  const names = jobZipNames(job, packed.bins.length);
  const tenantKeys = job.destination ? renderObjectKeys(job.options.key!, { jobId: job.id, createdAt: new Date(job.created_at), total: packed.bins.length }) : undefined;
  const now = deps.now().toISOString();
  const streamNames = new Map<number, EntryNameRecord[]>();
  const zips = await mapConcurrent(packed.bins, STORAGE_CONCURRENCY, async (indexes, i): Promise<ZipRecord> => {
    const zipId = `zip_${i + 1}`;
    const entries: BinEntry[] = (
      stream
        ? pinEntries(job, indexes.map((index) => ({ index, ...manifest.files[index]!, outcome: okOutcome(packed.outcomes?.[index]) })))
        : (pinIfFixed(job, indexes.map((index) => ({ index, ...manifest.files[index]!, outcome: packed.outcomes?.[index] ?? storedOutcome(manifest.files[index]!) }))) ??
          indexes.map((index) => {
            const file = manifest.files[index]!;
            const size = packed.sizes?.[index] ?? file.stored?.size;
            return { index, url: file.url, filename: file.filename, ...(size !== undefined && { size }) };
          }))
    ).map((entry) => withObjectPin(entry, manifest.files[entry.index]!));
    const bin: Bin = { zip_id: zipId, sequence: i + 1, filename: names[i]!, entries };
    if (stream) streamNames.set(i + 1, entries.map((e) => [e.index, e.stream!.name]));
    const binKey = objectKeys.bin(job.id, zipId);
    await deps.blobs.putJson(binKey, bin);
    // A stream ZIP is ready once its bin is: it is built by each download.
    const size = stream ? (exactLayout(bin)?.total ?? null) : null;
    return {
      job_id: job.id,
      id: zipId,
      sequence: i + 1,
      status: stream ? 'completed' : 'pending',
      filename: bin.filename,
      file_count: entries.length,
      size,
      key: tenantKeys?.[i] ?? objectKeys.zip(job.id, zipId),
      ...(job.destination && { location: { service: job.destination.service, bucket: job.destination.bucket, key: tenantKeys![i]!, bucket_name: job.destination.bucket_name } }),
      bin_key: binKey,
      errors: [],
      files_done: 0,
      bytes_done: 0,
      updated_at: now,
    };
  });
  if (stream) {
    const tooLarge = oversizeStreamZips(deps, job, zips);
    if (tooLarge.length > 0) {
      await dropZips(deps, job, existing, 0);
      return startBuilds(deps, job, [], 0, [...(packed.errors ?? []), ...tooLarge]);
    }
  }
  await deps.store.putZips(zips);
  await dropZips(deps, job, existing, zips.length);
  // A stream ZIP's entry names are fixed now (BuildZip records them for stored ones).
  await mapConcurrent([...streamNames], STORAGE_CONCURRENCY, ([sequence, entryNames]) => recordZipLists(deps.lists, job.id, sequence, [], entryNames));
  // Stream ZIPs have nothing to build: the job goes on to Finalize with them.
  return startBuilds(deps, job, stream ? [] : zips, zips.length, [...unresolved, ...(packed.errors ?? [])], manifest.files.length);
}

/** A job without a cap: one bin of every file, in order. */
function wholeJob(manifest: Manifest): Packed {
  return { ok: true, bins: [manifest.files.map((_, index) => index)] };
}

/** Probes and packs a split job; undefined when the budget ran out before every file was probed. */
async function packSplitJob(deps: PrepareDeps, job: Job, manifest: Manifest, budget: RunBudget): Promise<Packed | undefined> {
  const outcomes = await probeFiles(deps, job, manifest, budget);
  if (outcomes === undefined) return undefined;
  const sizes = outcomes.map((o) => (o.ok ? o.size : undefined));
  if (job.options.mode === 'stream') return packStreamJob(job, manifest, outcomes, sizes);
  const items = manifest.files.map((file, i) => packItemFor(i, file, outcomes[i]!, job.options.compression));
  const result = packFiles(items, {
    maxZipSize: job.options.max_zip_size_bytes!,
    strategy: job.options.split_strategy,
    allowOversize: job.options.allow_oversize_zips,
  });
  if (!result.ok) return result;
  return { ok: true, bins: result.bins, sizes, outcomes };
}
/**
 * A fresh pack replaces the ZIPs of an earlier run: records beyond the new
 * count go with their objects, and the kept sequences lose their checkpoints
 * (they describe other bins now).
 */
async function dropZips(deps: WorkflowDeps, job: Job, existing: readonly ZipRecord[], keep: number): Promise<void> {
  if (existing.length === 0) return;
  const stale = existing.filter((z) => z.sequence > keep);
  // Their outcome lists describe the bins of an earlier pack.
  await mapConcurrent(existing, STORAGE_CONCURRENCY, (z) => recordZipLists(deps.lists, job.id, z.sequence));
  // Each run plans its segments afresh: what the previous run's left goes too.
  const keys = (await mapConcurrent(existing, STORAGE_CONCURRENCY, async (z) => [...(await checkpointObjectKeys(deps.blobs, job.id, z.id)), ...(await segmentRecordKeys(deps.blobs, job.id, z, job.run - 1))])).flat();
  // A ZIP in a tenant's bucket is the tenant's: never deleted by the service.
  for (const z of stale) keys.push(z.bin_key, ...(z.location ? [] : [z.key]));
  await deps.blobs.deleteObjects(keys);
  await deps.store.deleteZips(job.id, stale.map((z) => z.sequence));
}

/** Retry from checkpoint: completed ZIPs stay; the others are queued again with their bins and checkpoints. */
async function resumeZips(deps: WorkflowDeps, job: Job, existing: readonly ZipRecord[]): Promise<Prepared> {
  const now = deps.now().toISOString();
  const unfinished = existing.filter((z) => z.status !== 'completed').sort((a, b) => a.sequence - b.sequence);
  await mapConcurrent(unfinished, STORAGE_CONCURRENCY, async (z) => {
    await recordZipLists(deps.lists, job.id, z.sequence);
    await deps.blobs.deleteObjects(await segmentRecordKeys(deps.blobs, job.id, z, job.run - 1)); // its segments plan afresh
    await deps.store.updateZip(job.id, z.sequence, ['pending', 'processing', 'failed'], {
      status: 'pending',
      errors: [],
      file_error_count: 0,
      size: null,
      files_done: 0,
      bytes_done: 0,
      // A ZIP built in segments plans afresh in the new run.
      segment_progress: {},
      updated_at: now,
    });
  });
  return startBuilds(deps, job, unfinished, existing.length);
}

/**
 * Writes the bins list for this run and the job's file errors (replacing an
 * earlier run's) and moves the job through `pending` to `processing`.
 * `fileCount`: the files after objects were resolved (a folder counts its
 * objects), which the job's progress counts to.
 */
async function startBuilds(deps: WorkflowDeps, job: Job, zips: readonly ZipRecord[], zipCount: number, fileErrors: JobError[] = [], fileCount?: number): Promise<Prepared> {
  const refs: BinRef[] = zips.map((z) => ({ zip_id: z.id, sequence: z.sequence, bin_key: z.bin_key }));
  const binsKey = objectKeys.binsList(job.id, job.run);
  await deps.blobs.putJson(binsKey, refs);
  await deps.lists.errors.replace(job.id, JOB_SCOPE, fileErrors);
  const now = deps.now().toISOString();
  await deps.store.transitionJob(job.id, ['preparing', 'pending', 'processing'], 'pending', {
    zip_count: zipCount,
    file_error_count: fileErrors.length,
    updated_at: now,
    ...(fileCount !== undefined && fileCount !== job.url_count && { url_count: fileCount }),
  });
  await deps.store.transitionJob(job.id, ['pending'], 'processing', { updated_at: now });
  return { done: true, bins_key: binsKey, bin_count: refs.length };
}
