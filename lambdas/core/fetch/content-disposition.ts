/**
 * Extracts the file name from a Content-Disposition header (RFC 6266):
 * `filename*` (RFC 8187 ext-value) wins over `filename`; garbage gives
 * undefined. The result is untrusted: the naming module sanitises it.
 */

interface Param {
  name: string;
  value: string;
}

/** Splits `type; a=b; c="d;e"` into parameters, honouring quoted strings. */
function parseParams(header: string): Param[] | undefined {
  const params: Param[] = [];
  let i = header.indexOf(';');
  if (i < 0) return params;
  const n = header.length;
  while (i < n) {
    // At a ';' (or the end of the previous value).
    while (i < n && (header[i] === ';' || header[i] === ' ' || header[i] === '\t')) i++;
    if (i >= n) break;
    const eq = header.indexOf('=', i);
    if (eq < 0) return undefined;
    const name = header.slice(i, eq).trim().toLowerCase();
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)) return undefined;
    i = eq + 1;
    while (i < n && (header[i] === ' ' || header[i] === '\t')) i++;
    let value = '';
    if (header[i] === '"') {
      i++;
      let closed = false;
      while (i < n) {
        const c = header[i]!;
        if (c === '\\' && i + 1 < n) {
          value += header[i + 1];
          i += 2;
        } else if (c === '"') {
          closed = true;
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
      if (!closed) return undefined;
      while (i < n && (header[i] === ' ' || header[i] === '\t')) i++;
      if (i < n && header[i] !== ';') return undefined;
    } else {
      const end = header.indexOf(';', i);
      value = header.slice(i, end < 0 ? n : end).trim();
      i = end < 0 ? n : end;
    }
    params.push({ name, value });
  }
  return params;
}

/** Decodes an RFC 8187 `charset'lang'pct-encoded` value. */
function decodeExtValue(value: string): string | undefined {
  const m = /^([a-z0-9!#$%&+^_`{}~-]+)'[a-z0-9-]*'(.*)$/i.exec(value);
  if (!m) return undefined;
  const charset = m[1]!.toLowerCase();
  const encoded = m[2]!;
  if (!/^(?:[^%]|%[0-9a-f]{2})*$/i.test(encoded)) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length; i++) {
    if (encoded[i] === '%') {
      bytes.push(parseInt(encoded.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      const code = encoded.charCodeAt(i);
      if (code > 0x7e) return undefined; // ext-value is ASCII on the wire
      bytes.push(code);
    }
  }
  try {
    if (charset === 'utf-8') return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
    if (charset === 'iso-8859-1') return String.fromCharCode(...bytes);
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * Node hands header values over as latin1; many servers put raw UTF-8 in a
 * quoted filename. Reinterpret when the bytes form valid UTF-8.
 */
function fixRawUtf8(value: string): string {
  if (!/[\u0080-\u00ff]/.test(value) || /[^\u0000-\u00ff]/.test(value)) return value;
  try {
    const bytes = Uint8Array.from(value, (c) => c.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return value;
  }
}

export function parseContentDisposition(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const params = parseParams(header);
  if (!params) return undefined;
  const ext = params.find((p) => p.name === 'filename*');
  if (ext) {
    const decoded = decodeExtValue(ext.value);
    if (decoded) return decoded;
  }
  const plain = params.find((p) => p.name === 'filename');
  if (plain && plain.value !== '') return fixRawUtf8(plain.value);
  return undefined;
}
