/**
 * One HTTP request to one URL, connected to an address checked beforehand.
 * Node is given a lookup that can only answer with those addresses, so no
 * second DNS query happens (no rebinding), while Host and TLS SNI keep the
 * original name.
 */
import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Socket } from 'node:net';
import { FetchError, toFetchError } from './errors';
import { WireCounter } from './wire';
import { bareHostname, resolveTarget, type LookupFn, type ResolvedAddress } from './target';

export interface HopOptions {
  method: 'GET' | 'HEAD' | 'POST';
  headers: Record<string, string>;
  /** Request body (POST only). */
  body?: Buffer;
  /** Every resolved address must pass, or the hop fails with `blocked address`. */
  isAllowedAddress: (ip: string) => boolean;
  lookup: LookupFn;
  /** From the start of the hop (DNS included) to an established connection. */
  connectTimeoutMs: number;
  /** From the established connection to the response headers. */
  headersTimeoutMs: number;
  signal?: AbortSignal;
}

export interface Hop {
  req: ClientRequest;
  res: IncomingMessage;
  wire: WireCounter;
}

function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const wanted = options.family === 4 || options.family === 6 ? options.family : undefined;
    const list = wanted ? addresses.filter((a) => a.family === wanted) : addresses;
    if (list.length === 0) {
      callback(Object.assign(new Error('no checked address'), { code: 'ENOTFOUND' }), '', 0);
    } else if (options.all) {
      callback(null, list);
    } else {
      callback(null, list[0]!.address, list[0]!.family);
    }
  };
}

/** What an aborted signal rejects with: its reason, like fetch does. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? Object.assign(new Error('aborted'), { name: 'AbortError' });
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export async function sendHop(url: URL, options: HopOptions): Promise<Hop> {
  const { signal } = options;
  if (signal?.aborted) throw abortReason(signal);

  // One connect deadline covers DNS and the TCP/TLS handshake.
  let req: ClientRequest | undefined;
  let rejectDns: ((err: unknown) => void) | undefined;
  const connectTimer = setTimeout(() => {
    if (req) req.destroy(FetchError.timeout());
    else rejectDns?.(FetchError.timeout());
  }, options.connectTimeoutMs);

  const onAbortDns = () => rejectDns?.(abortReason(signal!));
  signal?.addEventListener('abort', onAbortDns, { once: true });
  let addresses: ResolvedAddress[];
  try {
    addresses = await new Promise<ResolvedAddress[]>((resolve, reject) => {
      rejectDns = reject;
      resolveTarget(url, options.lookup, options.isAllowedAddress).then(resolve, reject);
    });
  } catch (err) {
    clearTimeout(connectTimer);
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbortDns);
  }
  if (signal?.aborted) {
    clearTimeout(connectTimer);
    throw abortReason(signal);
  }

  const isHttps = url.protocol === 'https:';
  const host = bareHostname(url);
  const isLiteral = addresses.length === 1 && addresses[0]!.address === host;
  const request = isHttps ? https.request : http.request;
  const sent = request({
    protocol: url.protocol,
    host,
    port: url.port || undefined,
    path: url.pathname + url.search,
    method: options.method,
    headers: options.headers,
    auth: url.username ? `${safeDecode(url.username)}:${safeDecode(url.password)}` : undefined,
    agent: false,
    lookup: pinnedLookup(addresses),
    // SNI must be a name, never an IP literal.
    ...(isHttps && !isLiteral ? { servername: host } : {}),
  });
  req = sent;

  return new Promise<Hop>((resolve, reject) => {
    let headersTimer: NodeJS.Timeout | undefined;
    let wire: WireCounter | undefined;
    let settled = false;
    const cleanup = () => {
      settled = true;
      clearTimeout(connectTimer);
      clearTimeout(headersTimer);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => sent.destroy(Object.assign(new Error('aborted'), { code: 'ABORT_ERR' }));
    signal?.addEventListener('abort', onAbort, { once: true });

    sent.once('socket', (socket: Socket) => {
      wire = new WireCounter(socket);
      socket.once(isHttps ? 'secureConnect' : 'connect', () => {
        clearTimeout(connectTimer);
        headersTimer = setTimeout(() => sent.destroy(FetchError.timeout()), options.headersTimeoutMs);
      });
    });
    sent.once('response', (res) => {
      cleanup();
      resolve({ req: sent, res, wire: wire! });
    });
    // Stays attached: a late socket error must never become an unhandled 'error' event.
    sent.on('error', (err) => {
      if (settled) return;
      cleanup();
      reject(signal?.aborted ? abortReason(signal) : toFetchError(err));
    });
    sent.end(options.body);
  });
}
