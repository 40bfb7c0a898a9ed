/**
 * BuildSegment: writes one segment of a ZIP built in segments into the
 * shared multipart upload. It reads only its entries' byte ranges, as the
 * versions pinned at prepare time (a source that changed fails the ZIP),
 * keeps each range's CRC-32, patches the local headers of the entries it
 * reads whole, and holds back the parts with headers it cannot finish (the
 * finish step uploads them). Past its budget it checkpoints and a later run
 * resumes where it stopped, mid-range (Range + the pinned validator).
 */
import { log } from '../../adapters/log';
import type { Bin, Job, ZipProgress } from '../../core/jobs/model';
import { exactLayout } from '../../core/jobs/stream-bin';
import { pieceStart, piecesIn, renderPiece, segmentWork, type RangeCrc, type ResumableZipSink, type Segment, type StreamLayout } from '../../core/zip';
import { NO_LIMIT, type RunBudget } from '../budget';
import type { WorkflowDeps } from '../workflow';
import { jobSources, type StreamDownloadDeps } from '../stream-download';
import type { PinnedBody } from '../../core/fetch';
import { openEntryRange, SourceError, type StreamFetchOptions } from '../stream-zip/sources';
import { crc32 } from 'node:zlib';
import type { ZipRef, ZipSinks } from './ports';
import { RunControl } from './run-control';
import { ProgressReports } from './zip-record';
import { failSegmentedZip, loadSegmentedBuild, type SegmentedBuild } from './segment-plan';
import { saveId, saveWithData, segmentKeys, type HeaderPiece, type RangeInProgress, type SegmentCheckpoint, type SegmentResult } from './segment-store';
import { defaultSleep, ENTRY_RETRIES, retryDelay, type SourceDeps } from './source';

export interface SegmentDeps extends WorkflowDeps, Pick<StreamDownloadDeps, 'fetch' | 'objects'>, Pick<SourceDeps, 'sleep'> {
  readonly sinks: ZipSinks;
}

type Done = { done: boolean };

/** One run of one segment: what its steps share. */
interface SegmentRun {
  readonly deps: SegmentDeps;
  readonly job: Job;
  readonly ref: ZipRef;
  readonly bin: Bin;
  readonly layout: StreamLayout;
  readonly segment: Segment;
  readonly index: number;
  readonly sink: ResumableZipSink;
  readonly control: RunControl;
  /** Entries whose whole data this segment reads: it patches their headers. */
  readonly whole: ReadonlySet<number>;
  readonly held: Set<number>;
  readonly ranges: RangeCrc[];
  /** The job's sources as pinned (its stored objects in its tenant's buckets). */
  readonly pinned: StreamFetchOptions;
  /** Archive offset the next byte goes to. */
  position: number;
  readonly saved?: SegmentCheckpoint;
  /** The ZIP and its job's run, as the segment records' keys name them. */
  readonly zipKey: string;
  /** This segment's own progress on the ZIP's record. */
  readonly reports: ProgressReports<ZipProgress>;
  /** What its finished ranges add up to: bytes read, and files whose last byte it read. */
  readonly done: { files_done: number; bytes_done: number };
}

export async function buildSegment(deps: SegmentDeps, jobId: string, ref: ZipRef, index: number, budget: RunBudget = NO_LIMIT): Promise<Done> {
  const build = await loadSegmentedBuild(deps, jobId, ref);
  if (!build) return { done: true }; // the ZIP ended (another segment failed it, or it is complete)
  const { job, bin, segmented, zipKey } = build;
  if (await deps.blobs.findJson(segmentKeys.result(jobId, zipKey, index))) return { done: true }; // a retry after it finished
  const layout = exactLayout(bin, { patched: true })!;
  const segment = segmented.plan.segments[index];
  if (!segment) throw new Error(`zip ${ref.zip_id} has no segment ${index}`);
  const saved = await deps.blobs.findJson<SegmentCheckpoint>(segmentKeys.checkpoint(jobId, zipKey, index));
  const sink = await deps.sinks.open(job, ref, bin, {
    segment: { uploadId: segmented.upload_id, partSize: segmented.plan.partSize, firstPart: segment.firstPart, start: segment.start },
    onUploadCreated: async () => undefined, // the upload exists already
    ...(saved && { resume: { uploadId: segmented.upload_id, saved: { state: saved.sink, data: await deps.blobs.getBytes(saved.data_key) } } }),
  });
  const held = new Set(saved?.held ?? []);
  for (const offset of held) sink.patching!.hold(offset);
  const control = new RunControl(deps.store, jobId, job.run, budget);
  const whole = new Set(segmentWork(layout, segmented.plan, segment).wholeEntries);
  const ranges = [...(saved?.ranges ?? [])];
  const reports = new ProgressReports<ZipProgress>((p) => deps.store.reportSegment(jobId, ref.sequence, index, p));
  const done = { files_done: 0, bytes_done: 0 };
  for (const r of ranges) countRange(layout, done, r);
  const run: SegmentRun = { deps, job, ref, bin, zipKey, layout, segment, index, sink, control, whole, held, ranges, pinned: jobSources(deps, job), position: saved?.position ?? segment.start, reports, done, ...(saved && { saved }) };
  try {
    return await writeSegment(run, build);
  } finally {
    control.stop();
  }
}

/** Pieces from where the sink stands to the segment's end; pauses, fails the ZIP or saves the result. */
async function writeSegment(run: SegmentRun, build: SegmentedBuild): Promise<Done> {
  const { layout, segment, sink } = run;
  let current = run.saved?.current;
  try {
    for (const piece of piecesIn(layout, run.position, segment.end)) {
      if (piece.kind === 'central' || piece.kind === 'end') break; // the finish step writes them
      if (piece.kind === 'header') {
        await writeHeader(run, piece);
        continue;
      }
      if (piece.kind !== 'data') continue;
      const resumed = current?.entry === piece.entry && current.from + current.done === piece.from ? current : { entry: piece.entry, from: piece.from, done: 0, crc: 0 };
      const outcome = await readRange(run, resumed, piece.to);
      if (outcome.paused) return await pause(run, outcome.paused);
      current = undefined;
    }
  } catch (error) {
    // A failure that may pass (after this run's own retries) goes to the state machine, which runs the segment
    // again alone from its last checkpoint; one that cannot (a changed file, a 404) fails the ZIP.
    if (!(error instanceof SourceError) || error.cause.retryable) throw error;
    await sink.settle();
    await failSegmentedZip(run.deps, build, { url: error.url, error: error.cause.message });
    log.warn('BuildSegment: a source failed', { job_id: run.job.id, zip_id: run.ref.zip_id, segment: run.index, url: error.url, error: error.cause.message });
    return { done: true };
  }
  if (!(await run.control.stillOwner())) {
    await sink.settle();
    return { done: true };
  }
  const { state, data } = await sink.exportState();
  const key = segmentKeys.result(run.job.id, run.zipKey, run.index);
  const result: Omit<SegmentResult, 'data_key'> = { v: 1, ranges: run.ranges, sink: state };
  await saveWithData(run.deps.blobs, key, segmentKeys.data(run.job.id, run.zipKey, run.index, saveId(run.deps.now())), result, data);
  await run.reports.report(progressWith(run), true);
  const checkpoint = segmentKeys.checkpoint(run.job.id, run.zipKey, run.index);
  await run.deps.blobs.deleteObjects([checkpoint, ...(run.saved ? [run.saved.data_key] : [])]).catch(() => undefined);
  log.info('BuildSegment done', { job_id: run.job.id, zip_id: run.ref.zip_id, segment: run.index, parts: state.parts.length, held_back: state.parts.filter((p) => !p.etag).length });
  return { done: true };
}

/**
 * A local header (or the part of one in this segment), with a zero CRC for
 * now: held until its entry's data is read when the segment reads it whole,
 * else held for good (the finish step writes its part).
 */
async function writeHeader(run: SegmentRun, piece: HeaderPiece): Promise<void> {
  const empty = run.layout.entries[piece.entry]!.size === 0;
  if (!empty) {
    const offset = pieceStart(run.layout, piece);
    run.sink.patching!.hold(offset);
    run.held.add(offset);
  }
  await write(run, renderPiece(run.layout, piece, () => 0));
}

async function write(run: SegmentRun, bytes: Uint8Array): Promise<void> {
  await run.sink.write(bytes);
  run.position += bytes.length;
}

type RangeOutcome = { paused?: RangeInProgress };

/**
 * Reads entry bytes `[r.from + r.done, to)` into the sink. A failure that may
 * pass, opening or mid-body, is retried from where the bytes broke off, with
 * BuildZip's backoff, up to ENTRY_RETRIES times; past that the state machine
 * runs the segment again.
 */
async function readRange(run: SegmentRun, start: RangeInProgress, to: number): Promise<RangeOutcome> {
  const entry = run.bin.entries[start.entry]!;
  const sleep = run.deps.sleep ?? defaultSleep;
  let r = start;
  for (let failures = 0; ; ) {
    let opened: PinnedBody | undefined;
    try {
      opened = await openEntryRange(run.pinned, entry, r.from + r.done, to);
      for await (const chunk of opened.body) {
        await write(run, chunk);
        r = { ...r, done: r.done + chunk.length, crc: crc32(chunk, r.crc) };
        run.control.markWorked();
        await run.reports.report(progressWith(run, r), false);
        if (r.from + r.done < to && run.control.timeUp()) return { paused: r };
      }
      break;
    } catch (error) {
      if (!(error instanceof SourceError) || !error.cause.retryable || failures >= ENTRY_RETRIES) throw error;
      failures++;
      await sleep(retryDelay(failures, error.cause));
    } finally {
      opened?.close();
    }
  }
  const range = { entry: r.entry, from: r.from, to, crc: r.crc };
  run.ranges.push(range);
  countRange(run.layout, run.done, range);
  if (r.from === 0 && to === run.layout.entries[r.entry]!.size && run.whole.has(r.entry)) await patchHeader(run, r.entry, r.crc);
  return {};
}

/** The header of an entry read whole, now that its CRC is known. */
async function patchHeader(run: SegmentRun, entry: number, crc: number): Promise<void> {
  const { layout, segment } = run;
  const header = piecesIn(layout, Math.max(segment.start, layout.headerOffsets[entry]!), Math.min(segment.end, layout.dataOffsets[entry]!)).find((p) => p.kind === 'header');
  if (!header) return; // wholly in the segment before: that one holds it back
  const offset = pieceStart(layout, header);
  await run.sink.patching!.patch(offset, renderPiece(layout, header, () => crc));
  run.held.delete(offset);
}

/** Adds a finished range to a segment's counts: its bytes, and its file if the range ends it. */
function countRange(layout: StreamLayout, done: { files_done: number; bytes_done: number }, r: RangeCrc): void {
  done.bytes_done += r.to - r.from;
  if (r.to === layout.entries[r.entry]!.size) done.files_done++;
}

/** The segment's progress with the range it is reading. */
const progressWith = (run: SegmentRun, current?: RangeInProgress): ZipProgress => ({ files_done: run.done.files_done, bytes_done: run.done.bytes_done + (current?.done ?? 0) });

async function pause(run: SegmentRun, current: RangeInProgress): Promise<Done> {
  if (!(await run.control.stillOwner())) {
    await run.sink.settle();
    return { done: true };
  }
  const { state, data } = await run.sink.exportState();
  const key = segmentKeys.checkpoint(run.job.id, run.zipKey, run.index);
  const checkpoint: Omit<SegmentCheckpoint, 'data_key'> = { v: 1, position: run.position, ranges: run.ranges, current, held: [...run.held], runs: (run.saved?.runs ?? 0) + 1, sink: state };
  await saveWithData(run.deps.blobs, key, segmentKeys.data(run.job.id, run.zipKey, run.index, saveId(run.deps.now())), checkpoint, data, run.saved);
  await run.reports.report(progressWith(run, current), true);
  run.deps.metrics?.checkpointTaken();
  log.info('BuildSegment paused', { job_id: run.job.id, zip_id: run.ref.zip_id, segment: run.index, offset: run.position });
  return { done: false };
}
