/**
 * What a build of one ZIP has done so far, as one plain value: saved with
 * each checkpoint, and handed from entry to entry (each outcome gives the
 * next value) instead of living in variables the steps share. Its lists are
 * the run's own copies (`startRun`) and grow in place: copying them for each
 * entry would cost O(n²) over a ZIP of 65,536 entries.
 */
import type { EntryNameRecord } from '../../adapters/job-lists';
import type { Bin, JobError } from '../../core/jobs/model';

/** An entry paused mid-file: what is needed to ask its source for the rest. */
export interface PausedEntry {
  /** Index into the bin's entries. */
  readonly entry: number;
  /** The entry's (already claimed) name in the archive. */
  readonly name: string;
  /** Strong ETag or Last-Modified of the first response, sent as If-Range. */
  readonly validator?: string;
  /** Time spent fetching the entry in earlier runs, counted against the per-file limit. */
  readonly elapsed_ms?: number;
}

export interface BuildProgress {
  /** Next bin entry to start (the paused one, if any, comes first). */
  readonly next_entry: number;
  readonly paused?: PausedEntry;
  /** Names claimed so far, in order (replayed into a fresh deduper). */
  readonly claimed: string[];
  readonly errors: JobError[];
  /** `[file index, entry name]` of the entries written so far (absent in checkpoints of older builds). */
  readonly entry_names?: EntryNameRecord[];
  readonly files_done: number;
  readonly bytes_done: number;
  /** Invocations so far, for logs. */
  readonly runs: number;
}

/** How one entry ended in this run; `claimed` is the name it claimed, if it claimed one now. */
export type EntryOutcome = { readonly claimed?: string } & (
  | { readonly kind: 'written'; readonly size: number; readonly name: string }
  | { readonly kind: 'paused'; readonly paused: PausedEntry }
  | { readonly kind: 'failed'; readonly message: string; readonly errorClass: string }
);

/** This run's starting point: the saved progress with one more run, or nothing done yet. */
export function startRun(saved: BuildProgress | undefined): BuildProgress {
  if (!saved) return { next_entry: 0, claimed: [], errors: [], entry_names: [], files_done: 0, bytes_done: 0, runs: 1 };
  // Field by field: a checkpoint's progress carries the sink's and writer's state besides.
  return {
    next_entry: saved.next_entry,
    ...(saved.paused && { paused: saved.paused }),
    claimed: [...saved.claimed],
    errors: [...saved.errors],
    entry_names: [...(saved.entry_names ?? [])],
    files_done: saved.files_done,
    bytes_done: saved.bytes_done,
    runs: saved.runs + 1,
  };
}

/** Whether entries are left to write (a paused one or any not started). */
export function entriesLeft(progress: BuildProgress, bin: Bin): boolean {
  return progress.paused !== undefined || progress.next_entry < bin.entries.length;
}

/** The progress after the current entry (the paused one, else `next_entry`) ended with `outcome`. */
export function afterEntry(progress: BuildProgress, bin: Bin, outcome: EntryOutcome): BuildProgress {
  if (outcome.claimed !== undefined) progress.claimed.push(outcome.claimed);
  if (outcome.kind === 'paused') return { ...progress, paused: outcome.paused, next_entry: outcome.paused.entry + 1 };
  const index = progress.paused ? progress.paused.entry : progress.next_entry;
  const entry = bin.entries[index]!;
  const { paused: _, ...rest } = progress;
  const next = { ...rest, next_entry: index + 1 };
  if (outcome.kind === 'failed') {
    progress.errors.push({ url: entry.url, error: outcome.message });
    return next;
  }
  const entryNames = progress.entry_names ?? [];
  entryNames.push([entry.index, outcome.name]);
  return { ...next, entry_names: entryNames, files_done: progress.files_done + 1, bytes_done: progress.bytes_done + outcome.size };
}
