import { validateClientFilename } from '../naming/entry-names';
import { fieldMessage, parseAt } from '../validation';
import { fileSchema, type RequestedFile } from './create-request';
import type { JobError } from './model';

const FIELD = 'files_from';

export type FileListOutcome = { readonly ok: true; readonly files: RequestedFile[] } | { readonly ok: false; readonly errors: JobError[] };

/** Stands for an NDJSON line that is not JSON. */
const UNREADABLE = Symbol('unreadable');

/** The entries of an uploaded list: a JSON array, or NDJSON (one JSON value a line, blank lines ignored); undefined for a broken array. */
function entriesOf(text: string): unknown[] | undefined {
  const body = text.replace(/^\uFEFF/, '').trim();
  if (body.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(body);
      return Array.isArray(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  return body
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        return UNREADABLE;
      }
    });
}

/** Every problem of entry `i`, as a 400 for an inline file would name it (under `files_from[i]`). */
function entryProblems(entry: unknown, i: number): { file?: RequestedFile; errors: string[] } {
  if (entry === UNREADABLE) return { errors: [fieldMessage(`${FIELD}.${i}`, 'is not valid JSON')] };
  const parsed = parseAt(fileSchema, entry, [FIELD, i]);
  if (!parsed.ok) return { errors: parsed.messages };
  const { url, filename, object } = parsed.value;
  // A paket object needs the paket checked at create time: only inline files name one.
  if (object !== undefined || url === undefined) return { errors: [fieldMessage(`${FIELD}.${i}.object`, 'is not accepted in an uploaded list (name stored objects in files)')] };
  const problem = filename == null ? null : validateClientFilename(filename);
  if (problem) return { errors: [fieldMessage(`${FIELD}.${i}.filename`, problem)] };
  return { file: { url, filename: filename ?? null }, errors: [] };
}

/**
 * An uploaded file list, checked exactly as inline `files` are (the same
 * schema and filename rules), each problem named `files_from[i]…`. Every
 * problem is reported, not only the first: the list may hold thousands.
 */
export function parseFileList(text: string, maxFiles: number): FileListOutcome {
  const entries = entriesOf(text);
  const refuse = (error: string): FileListOutcome => ({ ok: false, errors: [{ error: `${FIELD}: ${error}` }] });
  if (entries === undefined) return refuse('must be a JSON array of {url, filename?}, or NDJSON of them, one a line');
  if (entries.length === 0) return refuse('must contain at least one file');
  if (entries.length > maxFiles) return refuse(`at most ${maxFiles} files per job on this plan (the list has ${entries.length})`);
  const files: RequestedFile[] = [];
  const errors: JobError[] = [];
  entries.forEach((entry, i) => {
    const checked = entryProblems(entry, i);
    if (checked.file) files.push(checked.file);
    errors.push(...checked.errors.map((error) => ({ error })));
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, files };
}
