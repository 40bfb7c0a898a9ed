/**
 * Stream jobs fix their archives at prepare time: each file's entry name,
 * method, size, modification time and the validators of the version probed
 * are pinned in the bin, so every download (whole or a range) has the same
 * bytes, and an archive of STORE entries of known sizes has an exact length.
 */
import { chooseMethod, type Method } from '../compression';
import { EntryNameDeduper, entryBaseName } from '../naming';
import type { ProbeOutcome } from '../packing';
import { dosDateTime, streamLayout, type LayoutOptions, type StreamLayout } from '../zip';
import type { Bin, BinEntry, Job, PinnedSource, RequestedFileLike } from './model';

type ProbedOk = Extract<ProbeOutcome, { ok: true }>;

/** The entry name a probed file gets, before de-duplication within its ZIP. */
export function probedName(file: RequestedFileLike, outcome: ProbedOk): string {
  return entryBaseName({ filename: file.filename, contentDispositionName: outcome.filename, url: outcome.url ?? file.url });
}

/** The method a probed file gets in a stream job (names are known, so it is certain). */
export function probedMethod(job: Pick<Job, 'options'>, file: RequestedFileLike, outcome: ProbedOk): Method {
  return chooseMethod(job.options.compression, probedName(file, outcome));
}

/** One ZIP's entries with their pins, names de-duplicated within the ZIP as BuildZip does. */
export function pinEntries(job: Pick<Job, 'options' | 'created_at'>, files: readonly (RequestedFileLike & { index: number; outcome: ProbedOk })[]): BinEntry[] {
  const names = new EntryNameDeduper();
  return files.map(({ index, url, filename, outcome }) => {
    const name = names.claim(probedName({ url, filename }, outcome));
    const modified = outcome.last_modified ? Date.parse(outcome.last_modified) : NaN;
    const stream: PinnedSource = {
      name,
      method: chooseMethod(job.options.compression, name),
      url: outcome.url ?? url,
      ...(outcome.etag !== undefined && { etag: outcome.etag }),
      ...(outcome.last_modified !== undefined && { last_modified: outcome.last_modified }),
      accepts_ranges: outcome.accepts_ranges ?? false,
      mtime: new Date(Number.isNaN(modified) ? Date.parse(job.created_at) : modified).toISOString(),
    };
    return { index, url, filename, ...(outcome.size !== undefined && { size: outcome.size }), stream };
  });
}

/**
 * A stored job's bin, pinned as a stream job's is, when its layout can be
 * fixed in advance: every file probed (or a stored object) with a known size
 * and stored uncompressed. Such a ZIP can be built in segments; BuildZip
 * writes the same bytes from the same sources either way. Otherwise undefined.
 */
export function pinIfFixed(job: Pick<Job, 'options' | 'created_at'>, files: readonly (RequestedFileLike & { index: number; outcome: ProbeOutcome | undefined })[]): BinEntry[] | undefined {
  const probed: (RequestedFileLike & { index: number; outcome: ProbedOk })[] = [];
  for (const f of files) {
    if (!f.outcome?.ok || f.outcome.size === undefined) return undefined;
    probed.push({ ...f, outcome: f.outcome });
  }
  const entries = pinEntries(job, probed);
  return entries.every((e) => e.stream!.method === 'store') ? entries : undefined;
}

/** The exact layout when every entry is stored with a known size; otherwise undefined (the archive streams without a length). */
export function exactLayout(bin: Pick<Bin, 'entries'>, options?: LayoutOptions): StreamLayout | undefined {
  const entries = [];
  for (const e of bin.entries) {
    if (!e.stream || e.stream.method !== 'store' || e.size === undefined) return undefined;
    entries.push({ name: e.stream.name, size: e.size, dosDateTime: dosDateTime(new Date(e.stream.mtime)) });
  }
  return streamLayout(entries, options);
}
