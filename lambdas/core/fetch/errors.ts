/**
 * The one error type the fetcher throws. `message` is user-facing (it ends up
 * in a job's `errors[]`), so it is short and never carries internals; `kind`
 * and `retryable` are for the caller's control flow.
 */

export type FetchErrorKind =
  | 'http' // HTTP <status>
  | 'timeout'
  | 'blocked' // blocked address
  | 'too-large'
  | 'redirects' // too many redirects
  | 'connection' // connection failed: <code>
  | 'invalid-url'
  | 'protocol' // unsupported protocol
  | 'range-not-honoured' // a resume was refused: restart from byte 0
  | 'changed'; // not the version pinned when it was probed

export interface FetchErrorInit {
  status?: number;
  code?: string;
  retryAfterMs?: number;
  cause?: unknown;
}

export class FetchError extends Error {
  override readonly name = 'FetchError';
  readonly kind: FetchErrorKind;
  readonly retryable: boolean;
  /** Final HTTP status, for `http` and `range-not-honoured`. */
  readonly status?: number;
  /** System / TLS error code, for `connection`. */
  readonly code?: string;
  /** From a 429/503 `Retry-After` header. */
  readonly retryAfterMs?: number;

  constructor(kind: FetchErrorKind, message: string, retryable: boolean, init: FetchErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = kind;
    this.retryable = retryable;
    if (init.status !== undefined) this.status = init.status;
    if (init.code !== undefined) this.code = init.code;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
  }

  static http(status: number, retryAfterMs?: number): FetchError {
    const retryable = status >= 500 || status === 429;
    return new FetchError('http', `HTTP ${status}`, retryable, { status, retryAfterMs });
  }
  static timeout(): FetchError {
    return new FetchError('timeout', 'timeout', true);
  }
  /** Slower than the minimum rate, or out of time for the file: asking again would be as slow. */
  static tooSlow(): FetchError {
    return new FetchError('timeout', 'timeout', false);
  }
  static blocked(): FetchError {
    return new FetchError('blocked', 'blocked address', false);
  }
  static tooLarge(): FetchError {
    return new FetchError('too-large', 'too large', false);
  }
  static tooManyRedirects(): FetchError {
    return new FetchError('redirects', 'too many redirects', false);
  }
  static invalidUrl(): FetchError {
    return new FetchError('invalid-url', 'invalid URL', false);
  }
  static unsupportedProtocol(): FetchError {
    return new FetchError('protocol', 'unsupported protocol', false);
  }
  /** The server ignored or refused `Range`; retryable because starting over works. */
  static rangeNotHonoured(status: number): FetchError {
    return new FetchError('range-not-honoured', 'range not supported', true, { status });
  }
  /** The source is no longer the version pinned when it was probed (stream jobs). */
  static changed(): FetchError {
    return new FetchError('changed', 'changed since it was probed', false);
  }
  static connection(code: string, cause?: unknown): FetchError {
    return new FetchError('connection', `connection failed: ${code}`, RETRYABLE_CODES.has(code), { code, cause });
  }
}

// Transient network conditions; DNS "no such host" and TLS failures are not.
const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
]);

/** Maps anything thrown by sockets, DNS or TLS to a FetchError. */
export function toFetchError(err: unknown): FetchError {
  if (err instanceof FetchError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  const safe = typeof code === 'string' && /^[A-Z0-9_]{2,64}$/.test(code) ? code : 'UNKNOWN';
  return FetchError.connection(safe, err);
}
