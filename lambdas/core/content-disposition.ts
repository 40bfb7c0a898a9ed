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

/** RFC 6266's grammar: a token, and a parameter `; name=value` whose value is a token or a quoted string. */
const TOKEN = "[!#$%&'*+.0-9A-Z^_`a-z|~-]+";
const TYPE = new RegExp(`^${TOKEN}[\\t ]*`);
const PARAMETER = new RegExp(`;[\\t ]*(${TOKEN})[\\t ]*=[\\t ]*("(?:[\\x20!\\x23-\\x5b\\x5d-\\x7e\\x80-\\xff]|\\\\[\\x20-\\x7e])*"|${TOKEN})[\\t ]*`, 'y');
/** RFC 8187's ext-value: charset, language, then percent-encoded bytes. */
const EXT_VALUE = /^([A-Za-z0-9!#$%&+^_`{}~-]+)'(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8}|)'((?:%[0-9A-Fa-f]{2}|[A-Za-z0-9!#$&+.^_`|~-])+)$/;

/** Whether an ext-value names a file exactly: UTF-8 whose bytes are UTF-8, or ISO-8859-1. */
function decodableExt(value: string): boolean {
  const ext = EXT_VALUE.exec(value);
  const charset = ext?.[1]!.toLowerCase();
  if (charset === 'iso-8859-1') return true;
  if (charset !== 'utf-8') return false;
  try {
    decodeURIComponent(ext![2]!); // throws on bytes that are not UTF-8
    return true;
  } catch {
    return false;
  }
}

/**
 * The header without the `filename*` parameters that do not name a file
 * exactly, read parameter by parameter as the library reads them (so a
 * quoted value that holds `filename*=` is left alone); what cannot be read
 * is kept as it is.
 */
function withoutUndecodableExt(header: string): string {
  const type = TYPE.exec(header);
  if (!type) return header;
  let kept = type[0];
  let at = type[0].length;
  PARAMETER.lastIndex = at;
  for (let m = PARAMETER.exec(header); m; m = PARAMETER.exec(header)) {
    if (m[1]!.toLowerCase() !== 'filename*' || decodableExt(m[2]!)) kept += m[0];
    at = PARAMETER.lastIndex;
  }
  return kept + header.slice(at);
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
  // The library refuses a header with a bad `filename*`, and decodes bytes that are not UTF-8 as U+FFFD.
  if (!params || params.filename?.includes('\ufffd')) {
    const usable = withoutUndecodableExt(header);
    if (usable !== header) params = parameters(usable);
  }
  const name = params?.filename;
  return name ? fixRawUtf8(name) : undefined;
}
