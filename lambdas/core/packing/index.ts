/** Auto-split: probed files into bins whose ZIPs stay within max_zip_size_bytes. */
export { ARCHIVE_OVERHEAD, DERIVED_NAME_MAX_BYTES, entryBudget, lonePayloadLimit, nameBudget, payloadLimit, type BudgetContext } from './budget';
export { mapConcurrent } from './concurrency';
export { packItemFor, type Compression, type ProbeOutcome } from './items';
export { packFiles, type PackItem, type PackOptions, type PackResult, type RejectedFile, type SplitStrategy } from './pack';
