/** `zip_filename`: parse at create time, check every reachable N, render per ZIP. */
export {
  parseZipFilename,
  renderTemplate,
  renderZipName,
  renderZipNames,
  utcDate,
  type CompiledZipName,
  type ParseResult,
  type Placeholder,
  type RenderContext,
  type TemplatePart,
} from './zip-template';
export { checkZipFilename, type CheckOptions } from './zip-check';
