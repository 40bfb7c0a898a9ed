import { expect } from 'vitest';

const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/**
 * Fails unless `ours` can stand in for `documented` for a client that reads
 * it: every key of the documented value is there, `null` where it shows
 * `null`, otherwise of the same JSON type; objects compared key by key, array
 * elements against the document's element at the same place (or its first). Keys
 * of ours that the document lacks are allowed (a client ignores them).
 */
export function expectCompatible(documented: unknown, ours: unknown, path = '$'): void {
  if (documented === null) return void expect(ours, `${path} is null in the document`).toBeNull();
  expect(kind(ours), `${path}: ${JSON.stringify(ours)?.slice(0, 200)}`).toBe(kind(documented));
  if (Array.isArray(documented)) {
    // Element i against the document's element i (its first, past its end).
    if (documented.length > 0) (ours as unknown[]).forEach((item, i) => expectCompatible(documented[i] ?? documented[0], item, `${path}[${i}]`));
    return;
  }
  if (typeof documented !== 'object') return;
  for (const [key, value] of Object.entries(documented as Record<string, unknown>)) {
    expect(ours, `${path}.${key} is missing`).toHaveProperty([key]);
    expectCompatible(value, (ours as Record<string, unknown>)[key], `${path}.${key}`);
  }
}
