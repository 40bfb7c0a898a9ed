/** S3 multipart limits, and the one part size a whole upload uses (R2 requires every part but the last to be the same size). */

export const MiB = 1024 * 1024;
export const MAX_PARTS = 10_000;
export const MIN_PART_SIZE = 5 * MiB;
export const MAX_PART_SIZE = 5 * 1024 * MiB;

/**
 * One part size for a whole upload that still fits `maxBytes` into 10,000
 * parts: `base`, or the next whole MiB above maxBytes / 10,000.
 */
export function uniformPartSize(maxBytes: number, base = 10 * MiB): number {
  const needed = Math.ceil(maxBytes / MAX_PARTS / MiB) * MiB;
  return Math.min(MAX_PART_SIZE, Math.max(base, needed));
}
