/**
 * The Content-Disposition header (RFC 6266) through jshttp's
 * `content-disposition`: the name a source server gives a file, and the
 * header a ZIP is downloaded with. Pure: no AWS, so the download paths and
 * the fetcher share it without pulling in an SDK.
 */
import contentDisposition from 'content-disposition';

// 1.x: 2.x accepts a header with junk after its last parameter, 3.x needs Node 22.
const { parse } = contentDisposition;

/** `attachment; filename="…"`, plus `filename*` (UTF-8) when the name is not plain ASCII. */
export function attachmentDisposition(filename: string): string {
  // Our own fallback: the library's keeps ISO-8859-1 letters, which are not ASCII on the wire.
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_');
  return contentDisposition(filename, { type: 'attachment', fallback: ascii });
}

/**
 * Node hands header values over as latin1; many servers put raw UTF-8 in a
 * quoted filename. Reinterpret when the bytes form valid UTF-8.
 */
function fixRawUtf8(value: string): string {
  if (!/[\u0080-\u00ff]/.test(value) || /[^\u0000-\u00ff]/.test(value)) return value;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(value, (c) => c.charCodeAt(0)));
  } catch {
    return value;
  }
}

const FILENAME_EXT = /;\s*filename\*\s*=\s*([^;]*)/i;

/**
 * Whether the header's `filename*` holds valid UTF-8 (or ISO-8859-1, where
 * every byte is a letter). The library decodes UTF-8 leniently, so a U+FFFD
 * in its result is either a byte sequence that is not UTF-8 or a name that
 * really holds U+FFFD (`%EF%BF%BD`); only the bytes tell which.
 */
function validUtf8Ext(header: string): boolean {
  const ext = /^([^']*)'[^']*'(.*)$/.exec(FILENAME_EXT.exec(header)?.[1]?.trim() ?? '');
  if (!ext) return false;
  if (ext[1]!.toLowerCase() === 'iso-8859-1') return true;
  try {
    decodeURIComponent(ext[2]!); // throws on escapes that are not UTF-8
    return true;
  } catch {
    return false;
  }
}

/** The library's parse, or undefined for a header it refuses. */
function parameters(header: string): Record<string, string> | undefined {
  try {
    return parse(header).parameters;
  } catch {
    return undefined;
  }
}

/**
 * The file name a Content-Disposition header gives: `filename*` (RFC 8187)
 * wins over `filename`; a broken `filename*` (bad escapes, a charset other
 * than UTF-8 or ISO-8859-1, bytes that are not UTF-8) leaves the plain
 * `filename` usable, where the library would refuse the whole header. The
 * result is untrusted: the naming module sanitises it.
 */
export function parseContentDisposition(header: string | undefined): string | undefined {
  if (!header) return undefined;
  let params = parameters(header);
  if ((!params && FILENAME_EXT.test(header)) || (params?.filename?.includes('\ufffd') && !validUtf8Ext(header))) {
    params = parameters(header.replace(FILENAME_EXT, ''));
  }
  const name = params?.filename;
  return name ? fixRawUtf8(name) : undefined;
}
