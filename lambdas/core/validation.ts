import type { z } from 'zod';
import { InvalidRequestError, type ErrorDetail } from './errors';

/** `files.2.url` → `files[2].url`, the form docs/API.md uses in messages. */
export function displayPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out ? `${out}.${String(key)}` : String(key);
  }, '');
}

function issueDetails(issue: z.core.$ZodIssue): ErrorDetail[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: [...issue.path, key].join('.'), message: 'unknown field' }));
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return [{ path: issue.path.join('.'), message: 'is required' }];
  }
  return [{ path: issue.path.join('.'), message: issue.message }];
}

function detailMessage(detail: ErrorDetail): string {
  const path = displayPath(detail.path.split('.').filter(Boolean).map((p) => (/^\d+$/.test(p) ? Number(p) : p)));
  return path ? `${path}: ${detail.message}` : detail.message;
}

/** Parses `input` with `schema`, or throws a 400 naming every offending field and its rule. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  // With the input on each issue, a missing field ("is required") is told apart from a wrong-typed one.
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  const details = result.error.issues.flatMap(issueDetails);
  throw new InvalidRequestError(details.map(detailMessage).join('; '), details);
}

/**
 * Parses `input` with `schema` as the value at `prefix` of a larger document,
 * or gives every problem as a message naming its field there, exactly as a
 * 400 would (`files_from[3].url: must be an http or https URL`).
 */
export function parseAt<S extends z.ZodType>(schema: S, input: unknown, prefix: readonly (string | number)[]): { ok: true; value: z.infer<S> } | { ok: false; messages: string[] } {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  const at = prefix.join('.');
  const details = result.error.issues.flatMap(issueDetails).map((d) => ({ ...d, path: d.path ? `${at}.${d.path}` : at }));
  return { ok: false, messages: details.map(detailMessage) };
}

/** The message a 400 for `path` (`files_from.3.filename`) gives. */
export const fieldMessage = (path: string, message: string): string => detailMessage({ path, message });

export function invalidField(path: string, message: string): InvalidRequestError {
  const detail = { path, message };
  return new InvalidRequestError(detailMessage(detail), [detail]);
}
