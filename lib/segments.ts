/** Building one ZIP in segments at once: the stack's settings, as the SEGMENT_* variables BuildZip reads (lambdas/env.ts). */
export interface SegmentSettings {
  /**
   * A ZIP whose entries are all stored with known sizes is built in segments
   * when each of two or more segments gets at least this many bytes.
   * @default 1073741824 (1 GiB)
   */
  readonly minSegmentBytes?: number;
  /** Part size of such a ZIP's upload (at least 5 MiB; raised to fit 10,000 parts). @default 16777216 (16 MiB) */
  readonly partBytes?: number;
  /**
   * Most segments one ZIP is built in at once, 1–40 (the state machine runs
   * them in an inline Map, 40 at most), and no more than BuildZip's reserved
   * concurrency. 1: never in segments.
   * @default 16
   */
  readonly maxSegments?: number;
}

export const DEFAULT_MAX_SEGMENTS = 16;
/** An inline Map runs at most 40 iterations at once. */
export const INLINE_MAP_LIMIT = 40;

/** The SEGMENT_* variables for the settings given (unset ones keep the handler's defaults), checked against the reserved concurrency. */
export function segmentsEnv(settings: SegmentSettings = {}, reservedBuildZips: number | undefined): Record<string, string> {
  const whole = (name: string, value: number | undefined, min: number, max = Number.MAX_SAFE_INTEGER) => {
    if (value === undefined) return {};
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`segments.${name} must be a whole number from ${min} to ${max} (got ${value})`);
    return { [name === 'maxSegments' ? 'MAX_SEGMENTS' : name === 'partBytes' ? 'SEGMENT_PART_BYTES' : 'SEGMENT_MIN_BYTES']: String(value) };
  };
  const max = settings.maxSegments ?? DEFAULT_MAX_SEGMENTS;
  if (reservedBuildZips !== undefined && max > reservedBuildZips) {
    throw new Error(`segments.maxSegments (${max}) is above BuildZip's reserved concurrency (${reservedBuildZips}): its segments could never all run at once`);
  }
  return {
    ...whole('minSegmentBytes', settings.minSegmentBytes, 1),
    ...whole('partBytes', settings.partBytes, 5 * 1024 * 1024, 5 * 1024 ** 3),
    ...whole('maxSegments', settings.maxSegments, 1, INLINE_MAP_LIMIT),
  };
}
