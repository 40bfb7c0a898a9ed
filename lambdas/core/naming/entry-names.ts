/**
 * Names of entries inside a ZIP. Every name, the client's or one derived
 * from a server or a URL, goes through one segment rule (safeSegment) that
 * makes it open safely on Windows, macOS and Linux. Client `filename`s are
 * first validated (a broken rule is a 400) and keep their folders; a derived
 * name is never trusted and becomes a single segment.
 */

const MAX_BYTES = 255;
// Longer than this after the last dot is not an extension worth keeping.
const MAX_EXTENSION_BYTES = 32;

const utf8 = new TextEncoder();
const byteLength = (s: string) => utf8.encode(s).length;

/** Entry-name characters that would be tolerated by no extractor. */
// C0, DEL, C1 controls.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_ALL = /[\u0000-\u001f\u007f-\u009f]/g;
// Bidi overrides/isolates let "evil\u202Etxt.exe" display as "evilexe.txt".
const BIDI_ALL = /[\u202a-\u202e\u2066-\u2069]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const WINDOWS_FORBIDDEN = /[<>:"|?*]/g;
// Device names Windows reserves in any folder, with any extension, any case.
const RESERVED = /^(con|prn|aux|nul|conin\$|conout\$|com[1-9¹²³]|lpt[1-9¹²³])[ ]*(\.|$)/i;

/** Splits off the last extension of a segment; dotfiles like `.env` have none. */
export function splitExtension(segment: string): { stem: string; ext: string } {
  const dot = segment.lastIndexOf('.');
  if (dot <= 0 || dot === segment.length - 1) return { stem: segment, ext: '' };
  return { stem: segment.slice(0, dot), ext: segment.slice(dot) };
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The longest prefix of `s` within `maxBytes`, cut between user-perceived characters. */
function truncateBytes(s: string, maxBytes: number): string {
  let out = '';
  let bytes = 0;
  for (const { segment } of segmenter.segment(s)) {
    const b = byteLength(segment);
    if (bytes + b > maxBytes) break;
    out += segment;
    bytes += b;
  }
  if (out !== '' || s === '') return out;
  // A single grapheme over the limit (stacked combining marks): cut by code point.
  for (const ch of s) {
    const b = byteLength(ch);
    if (bytes + b > maxBytes) break;
    out += ch;
    bytes += b;
  }
  return out;
}

function capBytes(name: string): string {
  if (byteLength(name) <= MAX_BYTES) return name;
  const { stem, ext } = splitExtension(name);
  const extBytes = byteLength(ext);
  if (ext && extBytes <= MAX_EXTENSION_BYTES) {
    const keptStem = truncateBytes(stem, MAX_BYTES - extBytes).replace(/[. ]+$/, '');
    if (keptStem !== '') return keptStem + ext;
  }
  return truncateBytes(name, MAX_BYTES);
}

/** Whether `s` is valid Unicode: no lone surrogate (which no file system can store as UTF-8). */
export function isWellFormedUnicode(s: string): boolean {
  // Not LONE_SURROGATE itself: a global regex's test() carries lastIndex from call to call.
  return !new RegExp(LONE_SURROGATE.source).test(s);
}

/**
 * The one rule for a path segment, client-given or derived: control and
 * bidirectional-override characters dropped, NFC, `<>:"|?*` replaced,
 * trailing dots and spaces dropped (Windows would drop them and so merge
 * `a.txt.` with `a.txt`), reserved device names prefixed with `_`, at most
 * 255 UTF-8 bytes. '' when nothing usable is left. Expects no separator.
 */
function safeSegment(raw: string): string {
  let name = raw.replace(CONTROL_ALL, '').replace(BIDI_ALL, '').normalize('NFC').replace(WINDOWS_FORBIDDEN, '_').replace(/[. ]+$/, '');
  if (RESERVED.test(name)) name = `_${name}`;
  return capBytes(name).replace(/[. ]+$/, '');
}

/** Sanitises an untrusted name into one segment; '' when nothing usable is left. */
function sanitizeOrEmpty(raw: string): string {
  // From a server, a separator must never create folders, and bad Unicode is not the client's fault.
  return safeSegment(raw.replace(LONE_SURROGATE, '\ufffd').replace(/[/\\]/g, '_'));
}

/**
 * A validated client `filename` (validateClientFilename) made safe segment
 * by segment, folders kept; a segment with nothing usable left becomes `_`.
 */
export function safeClientPath(filename: string): string {
  return filename
    .normalize('NFC')
    .split('/')
    .map((segment) => safeSegment(segment) || '_')
    .join('/');
}

/** A safe single-segment entry name for a name from a server or a URL. */
export function sanitizeEntryName(name: string): string {
  return sanitizeOrEmpty(name) || 'file';
}

function lenientDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    // Malformed escapes: decode the valid %XX runs as UTF-8, keep the rest.
    const bytes: number[] = [];
    for (let i = 0; i < segment.length; i++) {
      const hex = segment.slice(i + 1, i + 3);
      if (segment[i] === '%' && /^[0-9a-f]{2}$/i.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
      } else {
        bytes.push(...utf8.encode(segment[i]!));
      }
    }
    return new TextDecoder().decode(Uint8Array.from(bytes));
  }
}

/** The last non-empty path segment of a URL, percent-decoded; '' if none. */
export function urlBaseName(url: string): string {
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    return '';
  }
  const segments = pathname.split('/').filter((s) => s !== '');
  const last = segments.at(-1);
  return last === undefined ? '' : lenientDecode(last);
}

export interface EntryNameSources {
  /** The client's `filename`, already validated with validateClientFilename. */
  filename?: string | null;
  /** From the response's Content-Disposition. */
  contentDispositionName?: string;
  url: string;
}

/**
 * The entry name before de-duplication: the client's name (folders kept),
 * else Content-Disposition's, else the URL's last segment, else `file`. A
 * server- or URL-derived candidate that sanitises to nothing falls through.
 */
export function entryBaseName(sources: EntryNameSources): string {
  if (sources.filename) return safeClientPath(sources.filename);
  if (sources.contentDispositionName !== undefined) {
    const fromHeader = sanitizeOrEmpty(sources.contentDispositionName);
    if (fromHeader) return fromHeader;
  }
  return sanitizeEntryName(urlBaseName(sources.url));
}

/**
 * Checks a client `filename` (docs/API.md "Entry names"); returns the broken
 * rule in a few words, or null. Length is counted in characters after NFC.
 * What passes is then made safe by safeClientPath, not refused.
 */
export function validateClientFilename(name: string): string | null {
  if (!isWellFormedUnicode(name)) return 'must be valid Unicode (it contains a lone surrogate)';
  const nfc = name.normalize('NFC');
  const length = [...nfc].length;
  if (length < 1 || length > 255) return 'must be 1-255 characters';
  if (CONTROL.test(nfc)) return 'must not contain control characters';
  if (nfc.includes('\\')) return 'must not contain "\\"';
  // A drive letter is absolute on Windows even with forward slashes.
  if (nfc.startsWith('/') || /^[a-z]:/i.test(nfc)) return 'must not be an absolute path';
  const segments = nfc.split('/');
  if (segments.includes('..')) return 'must not contain ".." segments';
  if (segments.includes('')) return 'must not contain empty segments';
  // "a/./b" would be the same file as "a/b" to an extractor, defeating de-duplication.
  if (segments.includes('.')) return 'must not contain "." segments';
  return null;
}
