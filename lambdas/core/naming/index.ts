/** Naming: entry names inside ZIPs and the ZIPs' own names. */
export {
  entryBaseName,
  isWellFormedUnicode,
  safeClientPath,
  sanitizeEntryName,
  splitExtension,
  urlBaseName,
  validateClientFilename,
  type EntryNameSources,
} from './entry-names';
export { EntryNameDeduper, dedupeEntryNames, foldName } from './dedupe';
export * from './zip-names';
