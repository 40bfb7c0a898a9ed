/**
 * An object named by a request (`files[i].object`, `objects[i]` of a
 * ZipBall): exactly one of `path`, `id`, `folder`, with an optional
 * `version` or `revision`, and `override` only with `id`. Paths are the
 * paket's, with a leading `/` (added when missing).
 */
import { z } from 'zod';
import { validateClientFilename } from '../naming/entry-names';

export const MAX_OBJECT_PATH_LENGTH = 1024;
const CONTROL = /[\u0000-\u001f\u007f]/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Version ids as S3 (base64-like), MinIO (UUID) and the hosted service (hex) write them.
const REVISION = /^[A-Za-z0-9._+/=-]{1,1024}$/;

/** A paket path: `/dir/a.pdf` (the leading `/` is optional on input). */
function pathProblem(value: string): string | null {
  if (value.length > MAX_OBJECT_PATH_LENGTH) return `must be at most ${MAX_OBJECT_PATH_LENGTH} characters`;
  if (CONTROL.test(value)) return 'must not contain control characters';
  if (value.includes('\\')) return 'must not contain "\\"';
  const segments = value.split('/').filter((s) => s !== '');
  if (segments.includes('..') || segments.includes('.')) return 'must not contain "." or ".." segments';
  return null;
}

const pathString = z
  .string({ error: 'must be a string' })
  .min(1, { error: 'must not be empty' })
  .superRefine((value, ctx) => {
    const problem = pathProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const objectRefSchema = z
  .strictObject(
    {
      path: pathString.optional(),
      id: z.string({ error: 'must be a string' }).regex(UUID, { error: 'must be an object id (a UUID)' }).optional(),
      folder: pathString.optional(),
      version: z.number({ error: 'must be an integer' }).int({ error: 'must be an integer' }).min(1, { error: 'must be at least 1 (the oldest version)' }).optional(),
      revision: z.string({ error: 'must be a string' }).regex(REVISION, { error: 'must be a revision id (letters, digits, "._+/=-")' }).optional(),
      override: z.string({ error: 'must be a string' }).optional(),
    },
    { error: 'must be an object with exactly one of path, id or folder' },
  )
  .superRefine((ref, ctx) => {
    const issue = (message: string, path: string[] = []) => ctx.addIssue({ code: 'custom', path, message });
    const given = (['path', 'id', 'folder'] as const).filter((k) => ref[k] !== undefined);
    if (given.length !== 1) {
      issue(given.length === 0 ? 'exactly one of path, id or folder is required' : `exactly one of path, id or folder is allowed (got ${given.join(' and ')})`);
    }
    if (ref.folder !== undefined && ref.folder.split('/').every((s) => s === '')) {
      issue('the root folder "/" is not allowed: name a folder below it', ['folder']);
    }
    if (ref.version !== undefined && ref.revision !== undefined) issue('give version or revision, not both', ['revision']);
    else if (ref.folder !== undefined && (ref.version !== undefined || ref.revision !== undefined)) {
      // A version belongs to one object; a folder's objects are always taken at their latest.
      issue('is not allowed with folder (a folder is zipped at its latest versions)', [ref.version !== undefined ? 'version' : 'revision']);
    }
    if (ref.override !== undefined) {
      if (ref.id === undefined) issue('is only allowed with id', ['override']);
      else {
        const problem = validateClientFilename(overrideName(ref.override));
        if (problem) issue(problem, ['override']);
      }
    }
  });

export type ObjectRefInput = z.infer<typeof objectRefSchema>;

/** `override`'s entry name: the path exactly, its leading `/` dropped. */
export function overrideName(override: string): string {
  return override.replace(/^\/+/, '').normalize('NFC');
}

/** `/dir/`, `dir` → `/dir`: one spelling of a paket path. */
export function normalizePaketPath(path: string): string {
  return `/${path.split('/').filter((s) => s !== '').join('/')}`;
}

/** Which version of an object: the latest, a numbered one (1 = oldest), or a storage version id. */
export type VersionWanted = { readonly kind: 'latest' } | { readonly kind: 'version'; readonly version: number } | { readonly kind: 'revision'; readonly revision: string };

/** A validated object reference, normalised. */
export type ObjectRef =
  | { readonly kind: 'path'; readonly path: string; readonly want: VersionWanted }
  | { readonly kind: 'folder'; readonly folder: string; readonly want: VersionWanted }
  | { readonly kind: 'id'; readonly id: string; readonly want: VersionWanted; readonly override?: string };

export function toObjectRef(input: ObjectRefInput): ObjectRef {
  const want: VersionWanted =
    input.version !== undefined ? { kind: 'version', version: input.version } : input.revision !== undefined ? { kind: 'revision', revision: input.revision } : { kind: 'latest' };
  if (input.path !== undefined) return { kind: 'path', path: normalizePaketPath(input.path), want };
  if (input.folder !== undefined) return { kind: 'folder', folder: normalizePaketPath(input.folder), want };
  return { kind: 'id', id: input.id!.toLowerCase(), want, ...(input.override !== undefined && { override: overrideName(input.override) }) };
}

/** A reference as a request writes it (how a job shows its files). */
export function objectRefInput(ref: ObjectRef): ObjectRefInput {
  const want = ref.want.kind === 'version' ? { version: ref.want.version } : ref.want.kind === 'revision' ? { revision: ref.want.revision } : {};
  if (ref.kind === 'path') return { path: ref.path, ...want };
  if (ref.kind === 'folder') return { folder: ref.folder };
  return { id: ref.id, ...want, ...(ref.override !== undefined && { override: `/${ref.override}` }) };
}
