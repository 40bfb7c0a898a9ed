/**
 * A job's `key` in a tenant's bucket: `dir/last`. The last segment follows
 * the ZIP-name rules (a split job's ZIPs get `_1`, `_2`… or the template's
 * `{n}`), the directory part is rendered as written (it may use the same
 * placeholders, `reports/{date}/daily.zip`).
 */
import { checkZipFilename, parseZipFilename, renderTemplate, renderZipNames, type CompiledZipName, type RenderContext } from '../naming/zip-names';

export const MAX_KEY_LENGTH = 1024;

interface CompiledKey {
  readonly dir: CompiledZipName;
  readonly last: CompiledZipName;
  /** The last segment as written: the ZIPs' default file name. */
  readonly lastText: string;
}

function compile(key: string): { ok: true; value: CompiledKey } | { ok: false; error: string } {
  if (key.startsWith('/')) return { ok: false, error: 'must not start with "/"' };
  const segments = key.split('/');
  if (segments.includes('..')) return { ok: false, error: 'must not contain a ".." segment' };
  const lastText = segments.pop()!;
  if (lastText === '') return { ok: false, error: 'must end with a file name, not "/"' };
  const dirText = segments.length > 0 ? `${segments.join('/')}/` : '';
  const dir = parseZipFilename(dirText === '' ? undefined : dirText);
  if (!dir.ok) return { ok: false, error: dir.error };
  const last = parseZipFilename(lastText);
  if (!last.ok) return { ok: false, error: last.error };
  return { ok: true, value: { dir: dir.value, last: last.value, lastText } };
}

const SAMPLE = { jobId: '00000000-0000-4000-8000-000000000000', createdAt: new Date(Date.UTC(2000, 0, 1)) };

/** Why `key` cannot be used by a job of at most `maxTotal` ZIPs, or undefined. */
export function objectKeyProblem(key: string, maxTotal: number): string | undefined {
  const compiled = compile(key);
  if (!compiled.ok) return compiled.error;
  const problem = checkZipFilename(compiled.value.last, { maxTotal });
  if (problem) return problem;
  // Rendered names grow with the ZIP count (see zip-check.ts): the last key of the largest split is the longest.
  const total = Math.max(1, maxTotal);
  const longest = renderObjectKeys(key, { ...SAMPLE, total }).at(-1)!;
  if (Buffer.byteLength(longest, 'utf8') > MAX_KEY_LENGTH) return `must render to at most ${MAX_KEY_LENGTH} bytes (split into ${total} ZIPs: ${Buffer.byteLength(longest, 'utf8')})`;
  return undefined;
}

/** The key's last segment as written: the ZIP's name when the job gives no `zip_filename`. */
export function objectKeyFilename(key: string): string {
  const compiled = compile(key);
  if (!compiled.ok) throw new Error(`stored key does not parse: ${compiled.error}`);
  return compiled.value.lastText;
}

/** One key per ZIP, in sequence order; pairwise distinct (their last segments are). */
export function renderObjectKeys(key: string, ctx: RenderContext): string[] {
  const compiled = compile(key);
  if (!compiled.ok) throw new Error(`stored key does not parse: ${compiled.error}`);
  const { dir, last } = compiled.value;
  return renderZipNames(last, ctx).map((name, i) => {
    const prefix = dir.kind === 'template' ? renderTemplate(dir.parts, i + 1, ctx) : dir.kind === 'plain' ? dir.name : '';
    return prefix + name;
  });
}
