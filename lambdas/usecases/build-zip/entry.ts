/**
 * Writing one bin entry into the ZIP: from byte 0 (with a bounded number of
 * restarts), or continuing one paused by an earlier run. Each returns the
 * entry's outcome; the build folds it into its progress.
 */
import { chooseMethod } from '../../core/compression';
import { FetchError, type OpenedSource } from '../../core/fetch';
import type { Bin, BinEntry, Job } from '../../core/jobs/model';
import type { EntryNameDeduper } from '../../core/naming';
import { entryBaseName } from '../../core/naming';
import type { SourceRef } from '../../core/sources';
import { EntryAbortedError, nameLength, type ZipWriter } from '../../core/zip';
import { LIMITS } from '../../core/jobs/limits';
import { EntryClock, archiveRoom, entryMaxBytes, fetchCap } from './entry-limits';
import type { EntryOutcome, PausedEntry } from './progress';
import type { RunControl } from './run-control';
import { ENTRY_RETRIES, openWithRetry, rangeValidator, resumingBody, type RetryAllowance, type SourceDeps } from './source';

/** What every entry of one run is written with. */
export interface EntryRun {
  readonly sources: SourceDeps;
  /** Most time one file may take to fetch, across runs and retries. */
  readonly maxFileMs: number | undefined;
  readonly job: Job;
  readonly bin: Bin;
  readonly writer: ZipWriter;
  /** The names claimed so far (this run's deduper, replayed from the progress). */
  readonly names: EntryNameDeduper;
  readonly control: RunControl;
  readonly room: ReturnType<typeof archiveRoom>;
}

/** The short, user-facing reason a file was left out; undefined for faults that are not the file's. */
/** The kind of fault that left a file out, for the metrics (`FetchError` kinds, else `other`). */
function sourceErrorClass(error: unknown): string {
  const cause = error instanceof EntryAbortedError ? error.cause : error;
  return cause instanceof FetchError ? cause.kind : 'other';
}

export function fileError(error: unknown): string | undefined {
  if (error instanceof FetchError) return error.message;
  if (error instanceof EntryAbortedError) return error.cause instanceof FetchError ? error.cause.message : error.message;
  return undefined;
}

/** Worth starting the entry over: the source failed in a way that may pass, and not because of its content. */
function restartable(error: unknown): boolean {
  const cause = error instanceof EntryAbortedError ? error.cause : error;
  return cause instanceof FetchError && cause.retryable;
}

function entryTime(source: OpenedSource, job: Job): Date {
  const modified = source.lastModified ? Date.parse(source.lastModified) : NaN;
  return new Date(Number.isNaN(modified) ? job.created_at : modified);
}

async function* failing(error: unknown): AsyncGenerator<Buffer> {
  throw error;
}

const sourceOf = (run: EntryRun, entry: BinEntry): SourceRef => ({ url: entry.url, tenant_id: run.job.tenant_id, ...(entry.object && { object: entry.object }) });

/**
 * Streams entry `index` from byte 0, restarting it a bounded number of times;
 * `claimedName` when its name was claimed before (a paused entry starting over).
 */
export async function writeFreshEntry(
  run: EntryRun,
  index: number,
  claimedName?: string,
  allowance: RetryAllowance = { left: ENTRY_RETRIES },
  clock = new EntryClock(0, run.maxFileMs),
): Promise<EntryOutcome> {
  const entry = run.bin.entries[index]!;
  const source = sourceOf(run, entry);
  const deadline = clock.deadline();
  let name = claimedName;
  let claimed: string | undefined;
  const ended = <T extends object>(outcome: T) => ({ ...outcome, ...(claimed !== undefined && { claimed }) });
  // The most any name and method could leave room for, before the GET decides them.
  const openCap = Math.min(fetchCap(entry), run.room('store', 0, run.writer.committedBytes));
  if (openCap < 0) return { kind: 'failed', message: FetchError.tooLarge().message, errorClass: 'too-large' };
  for (;;) {
    let opened = false;
    try {
      const first = await openWithRetry(run.sources, source, { maxBytes: openCap, ...(deadline !== undefined && { deadline }) });
      opened = true;
      if (name === undefined) {
        name = claimed = run.names.claim(entryBaseName({ filename: entry.filename, contentDispositionName: first.filename, url: first.url }));
      }
      const method = chooseMethod(run.job.options.compression, name);
      const room = run.room(method, nameLength(name), run.writer.committedBytes);
      if (first.contentLength !== undefined && first.contentLength > room) {
        first.body.destroy();
        throw FetchError.tooLarge();
      }
      const cap = Math.min(fetchCap(entry), Math.max(0, room));
      const validator = rangeValidator(first);
      const body = resumingBody(run.sources, source, first, 0, cap, validator, allowance, deadline);
      const meta = { name, method, size: first.contentLength, mtime: entryTime(first, run.job), maxBytes: Math.min(entryMaxBytes(run.job, entry, name, method), Math.max(0, room)) };
      const result = await run.writer.addEntry(meta, body, run.control.entryControl());
      run.control.markWorked();
      if (result.status === 'paused') {
        return ended({ kind: 'paused', paused: { entry: index, name, ...(validator !== undefined && { validator }), elapsed_ms: clock.elapsed() } });
      }
      return ended({ kind: 'written', size: result.size, name });
    } catch (error) {
      const message = fileError(error);
      if (message === undefined) throw error;
      // Opening has its own retries; a restart is for a transfer that broke off.
      if (opened && restartable(error) && allowance.left > 0) {
        allowance.left--;
        continue;
      }
      return ended({ kind: 'failed', message, errorClass: sourceErrorClass(error) });
    }
  }
}

/** Continues an entry paused by an earlier run (STORE or DEFLATE): Range from where it stopped, else from byte 0. */
export async function writePausedEntry(run: EntryRun, p: PausedEntry): Promise<EntryOutcome> {
  const entry = run.bin.entries[p.entry]!;
  const source = sourceOf(run, entry);
  const clock = new EntryClock(p.elapsed_ms ?? 0, run.maxFileMs);
  const deadline = clock.deadline();
  const current = run.writer.checkpoint().current!;
  const from = current.bytesDone;
  // The entry's cap was fixed when it started (the archive's room then).
  const cap = Math.min(fetchCap(entry), current.maxBytes ?? LIMITS.maxZipSize);
  let opened = false;
  const allowance: RetryAllowance = { left: ENTRY_RETRIES };
  try {
    const rest = await openWithRetry(run.sources, source, { maxBytes: cap, rangeStart: from, ...(p.validator && { ifRange: p.validator }), ...(deadline !== undefined && { deadline }) });
    opened = true;
    const result = await run.writer.continueEntry(resumingBody(run.sources, source, rest, from, cap, p.validator, allowance, deadline), run.control.entryControl());
    run.control.markWorked();
    if (result.status === 'paused') return { kind: 'paused', paused: { ...p, elapsed_ms: clock.elapsed() } };
    return { kind: 'written', size: result.size, name: p.name };
  } catch (error) {
    if (!opened) {
      // Drops the paused entry's bytes (the writer truncates back to its header).
      await run.writer.continueEntry(failing(error)).catch((e: unknown) => {
        if (!(e instanceof EntryAbortedError)) throw e;
      });
    }
    const message = fileError(error);
    if (message === undefined) throw error;
    const refused = error instanceof FetchError && error.kind === 'range-not-honoured';
    if ((opened || refused) && restartable(error)) return writeFreshEntry(run, p.entry, p.name, allowance, clock);
    return { kind: 'failed', message, errorClass: sourceErrorClass(error) };
  }
}
