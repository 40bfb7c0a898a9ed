/**
 * FinishSegments: once every segment of a ZIP is written, combines the
 * CRC-32s of each entry's ranges, writes the parts the segments held back
 * (their local headers with the real CRCs) and the central directory, and
 * completes the shared upload: the same bytes BuildZip writes for the ZIP.
 */
import { log } from '../../adapters/log';
import type { EntryNameRecord } from '../../adapters/job-lists';
import { exactLayout } from '../../core/jobs/stream-bin';
import { mapConcurrent } from '../../core/packing';
import { combineEntryCrcs, partBounds, pieceStart, piecesIn, renderPiece, type StreamLayout } from '../../core/zip';
import type { WorkflowDeps } from '../workflow';
import type { ZipRef, ZipSinks } from './ports';
import { startRun } from './progress';
import { loadSegmentedBuild } from './segment-plan';
import { segmentKeys, type SegmentResult } from './segment-store';
import { completeZip } from './zip-record';

/** Held-back parts uploaded at once (each is in memory while it uploads). */
const FINISH_CONCURRENCY = 4;

export interface FinishSegmentsDeps extends WorkflowDeps {
  readonly sinks: ZipSinks;
}

export async function finishSegments(deps: FinishSegmentsDeps, jobId: string, ref: ZipRef): Promise<{ done: true }> {
  const build = await loadSegmentedBuild(deps, jobId, ref);
  if (!build) return { done: true }; // failed by a segment (or completed by an earlier attempt)
  const { job, bin, segmented, zipKey } = build;
  const { plan } = segmented;
  const layout = exactLayout(bin, { patched: true })!;
  const results = await Promise.all(plan.segments.map((s) => deps.blobs.findJson<SegmentResult>(segmentKeys.result(jobId, zipKey, s.index))));
  const missing = results.findIndex((r) => r === undefined);
  if (missing >= 0) throw new Error(`segment ${missing} of zip ${ref.zip_id} has not finished`);
  const done = results as SegmentResult[];
  const crcs = combineEntryCrcs(layout, done.flatMap((r) => r.ranges));

  const etags = new Map<number, string>();
  const pending = new Map<number, { readonly result: SegmentResult; readonly at: number; readonly filled: number }>();
  for (const result of done) {
    let at = 0;
    for (const p of result.sink.parts) {
      if (p.etag !== undefined) etags.set(p.number, p.etag);
      else {
        pending.set(p.number, { result, at, filled: p.filled });
        at += p.filled;
      }
    }
  }
  const uploads = await deps.sinks.parts!(job, ref, bin);
  const left = Array.from({ length: plan.partCount }, (_, i) => i + 1).filter((n) => !etags.has(n));
  // A segment's held-back bytes are read once however many of its parts are left, and let go once they are
  // written: a segment holds parts at its two ends only, so few segments' bytes are in memory at once.
  const data = new Map<SegmentResult, Promise<Uint8Array>>();
  const partsLeft = new Map<SegmentResult, number>();
  for (const number of left) {
    const held = pending.get(number);
    if (held) partsLeft.set(held.result, (partsLeft.get(held.result) ?? 0) + 1);
  }
  const bytesOf = (r: SegmentResult) => data.get(r) ?? data.set(r, deps.blobs.getBytes(r.data_key)).get(r)!;
  await mapConcurrent(left, FINISH_CONCURRENCY, async (number) => {
    const held = pending.get(number);
    const body = renderPart(layout, partBounds(plan, number), crcs, held && { bytes: (await bytesOf(held.result)).subarray(held.at, held.at + held.filled) });
    if (held) {
      const after = partsLeft.get(held.result)! - 1;
      partsLeft.set(held.result, after);
      if (after === 0) data.delete(held.result);
    }
    etags.set(number, await uploads.upload(segmented.upload_id, number, body));
  });
  await uploads.complete(segmented.upload_id, [...etags].sort((a, b) => a[0] - b[0]).map(([number, etag]) => ({ number, etag })));

  const entryNames: EntryNameRecord[] = bin.entries.map((e) => [e.index, e.stream!.name]);
  const bytes = layout.entries.reduce((sum, e) => sum + e.size, 0);
  const progress = { ...startRun(undefined), next_entry: bin.entries.length, entry_names: entryNames, files_done: bin.entries.length, bytes_done: bytes };
  await completeZip(deps, jobId, ref, progress, layout.total);
  const keys = [segmentKeys.plan(jobId, zipKey), ...plan.segments.flatMap((s, i) => [segmentKeys.result(jobId, zipKey, s.index), done[i]!.data_key])];
  await deps.blobs.deleteObjects(keys).catch(() => undefined); // lifecycle rules catch what this misses
  deps.metrics?.zipBuilt(layout.total);
  log.info('FinishSegments done', { job_id: jobId, zip_id: ref.zip_id, segments: plan.segments.length, parts_written: left.length, size: layout.total });
  return { done: true };
}

/**
 * Part bytes `[start, end)`: the entry data a segment held back (`held`,
 * from the part's start), every header, the central directory and the end
 * records rendered with the real CRCs.
 */
function renderPart(layout: StreamLayout, { start, end }: { start: number; end: number }, crcs: readonly number[], held?: { bytes: Uint8Array }): Buffer {
  const body = Buffer.alloc(end - start);
  if (held) body.set(held.bytes.subarray(0, end - start));
  const heldEnd = start + (held?.bytes.length ?? 0);
  for (const piece of piecesIn(layout, start, end)) {
    const at = pieceStart(layout, piece);
    if (piece.kind === 'data') {
      if (at + piece.to - piece.from > heldEnd) throw new Error(`part at ${start}: entry ${piece.entry}'s bytes were not held back by its segment`);
      continue;
    }
    renderPiece(layout, piece, (i) => crcs[i]!).copy(body, at - start);
  }
  return body;
}
