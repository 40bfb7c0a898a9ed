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

export function invalidField(path: string, message: string): InvalidRequestError {
  const detail = { path, message };
  return new InvalidRequestError(detailMessage(detail), [detail]);
}
