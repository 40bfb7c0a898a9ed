/**
 * Parsing and rendering of `zip_filename` (docs/API.md "ZIP names and templates"): parsed once at create
 * time, rendered into one name per ZIP once the job knows how many it has.
 *
 * - plain: as given (`.zip` added when there is no extension); split into
 *   N ≥ 2: `_{n}` zero-padded to N's digit count before the last extension.
 * - omitted: `archive-{jobId}.zip`, then the plain rules.
 * - template (contains `{`): `{n}` `{n2}` `{n3}` `{total}` `{date}`, `{{` `}}`.
 *   With an index placeholder each name is rendered as written. Without one,
 *   the template is rendered once and that name follows the plain rules, so
 *   it behaves exactly like the plain name it renders to, for every N.
 */
import { splitExtension } from './entry-names';

export type Placeholder = 'n' | 'n2' | 'n3' | 'total' | 'date';
export type TemplatePart = { literal: string } | { placeholder: Placeholder };

export type CompiledZipName =
  | { kind: 'default' }
  | { kind: 'plain'; name: string }
  | { kind: 'template'; parts: TemplatePart[]; hasIndex: boolean };

export type ParseResult = { ok: true; value: CompiledZipName } | { ok: false; error: string };

const PLACEHOLDERS = new Set<string>(['n', 'n2', 'n3', 'total', 'date']);
const INDEX_WIDTH: Partial<Record<Placeholder, number>> = { n: 1, n2: 2, n3: 3 };

/** Compiles a `zip_filename`; undefined/null means the default name. Positions are 0-based. */
export function parseZipFilename(value: string | undefined | null): ParseResult {
  if (value === undefined || value === null) return { ok: true, value: { kind: 'default' } };
  if (value === '') return { ok: false, error: 'must not be empty' };
  if (!value.includes('{')) return { ok: true, value: { kind: 'plain', name: value } };

  const parts: TemplatePart[] = [];
  let literal = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if ((c === '{' || c === '}') && value[i + 1] === c) {
      literal += c;
      i++;
    } else if (c === '}') {
      return { ok: false, error: `unbalanced brace at position ${i}` };
    } else if (c === '{') {
      const close = value.indexOf('}', i + 1);
      const nested = value.indexOf('{', i + 1);
      if (close < 0 || (nested >= 0 && nested < close)) {
        return { ok: false, error: `unbalanced brace at position ${i}` };
      }
      const name = value.slice(i + 1, close);
      if (!PLACEHOLDERS.has(name)) return { ok: false, error: `unknown placeholder {${name}}` };
      if (literal) parts.push({ literal });
      literal = '';
      parts.push({ placeholder: name as Placeholder });
      i = close;
    } else {
      literal += c;
    }
  }
  if (literal) parts.push({ literal });
  const hasIndex = parts.some((p) => 'placeholder' in p && INDEX_WIDTH[p.placeholder] !== undefined);
  return { ok: true, value: { kind: 'template', parts, hasIndex } };
}

export interface RenderContext {
  jobId: string;
  /** The job's creation time; `{date}` is its UTC calendar date. */
  createdAt: Date;
  /** Number of ZIPs in the job, ≥ 1. */
  total: number;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export function utcDate(d: Date): string {
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
}

/** A template's text for ZIP `n`, without the plain rules (object-key prefixes use it as written). */
export function renderTemplate(parts: readonly TemplatePart[], n: number, ctx: RenderContext): string {
  let out = '';
  for (const part of parts) {
    if ('literal' in part) out += part.literal;
    else if (part.placeholder === 'total') out += String(ctx.total);
    else if (part.placeholder === 'date') out += utcDate(ctx.createdAt);
    else out += pad(n, INDEX_WIDTH[part.placeholder]!);
  }
  return out;
}

/** The plain rules: one name as given (plus `.zip`), or `_{n}` before the last extension. */
function renderPlain(name: string, n: number, total: number): string {
  const { stem, ext } = splitExtension(name);
  if (total === 1) return ext ? name : `${name}.zip`;
  return `${stem}_${pad(n, String(total).length)}${ext || '.zip'}`;
}

/** The name of ZIP `n` (1-based) of `ctx.total`. */
export function renderZipName(compiled: CompiledZipName, ctx: RenderContext, n: number): string {
  const { total } = ctx;
  if (!Number.isSafeInteger(total) || total < 1) throw new RangeError('total must be a positive integer');
  if (!Number.isSafeInteger(n) || n < 1 || n > total) throw new RangeError('n must be in 1..total');
  switch (compiled.kind) {
    case 'default':
      return renderPlain(`archive-${ctx.jobId}.zip`, n, total);
    case 'plain':
      return renderPlain(compiled.name, n, total);
    case 'template':
      if (!compiled.hasIndex) return renderPlain(renderTemplate(compiled.parts, 1, ctx), n, total);
      return renderTemplate(compiled.parts, n, ctx);
  }
}

/** One name per ZIP, in sequence order; pairwise distinct for every total. */
export function renderZipNames(compiled: CompiledZipName, ctx: RenderContext): string[] {
  if (!Number.isSafeInteger(ctx.total) || ctx.total < 1) throw new RangeError('total must be a positive integer');
  return Array.from({ length: ctx.total }, (_, i) => renderZipName(compiled, ctx, i + 1));
}
