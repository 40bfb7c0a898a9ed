import { readFileSync } from 'node:fs';
import { CliError, EXIT } from './client';

export const usageError = (message: string) => new CliError(message, EXIT.usage);

export function integer(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw usageError(`--${name} must be a whole number, got ${value}`);
  return Number(value);
}

/** `--body '{…}'`, `--body @file.json` or `--body -` (standard input). */
export function jsonArgument(value: string, name: string): Record<string, unknown> {
  const text = value === '-' ? readFileSync(0, 'utf8') : value.startsWith('@') ? readFileSync(value.slice(1), 'utf8') : value;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw usageError(`--${name} must be a JSON object (inline, @file or - for standard input)`);
}

/** The URLs of a file (`-` for standard input): one per line; blank lines and `#` comments are skipped. */
export function urlsFromFile(path: string): string[] {
  return readFileSync(path === '-' ? 0 : path, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

export function print(json: boolean, value: unknown, text: () => string): void {
  console.log(json ? JSON.stringify(value, null, 2) : text());
}

export const bytes = (n: number | null | undefined) => {
  if (n === null || n === undefined) return '-';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
};
