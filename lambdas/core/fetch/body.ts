/**
 * The response body as a Readable that enforces the fetcher's limits: an idle
 * timeout and a minimum transfer rate, both counted only while we are
 * actually waiting for the server (never while our consumer applies
 * backpressure), a total time, a byte cap, and the announced Content-Length
 * in both directions.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { FetchError, toFetchError } from './errors';
import { abortReason } from './hop';
import type { WireCounter } from './wire';

/** A source must send at least `minBytesPerSecond`, averaged over each `windowMs` of waiting for it. */
export interface MinimumRate {
  readonly minBytesPerSecond: number;
  readonly windowMs: number;
}

export interface BodyLimits {
  idleTimeoutMs: number;
  /** Slower than this: `timeout` (not retryable: asking again would be as slow). */
  minRate?: MinimumRate;
  /** The body must be over within this long of the response: `timeout`, not retryable. */
  maxDurationMs?: number;
  /** Bytes this body may carry before failing with `too large`. */
  maxBytes: number;
  /** Announced Content-Length, if any. */
  expectedLength?: number;
  signal?: AbortSignal;
}

export class SourceBody extends Readable {
  private received = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private durationTimer: NodeJS.Timeout | undefined;
  private rateTimer: NodeJS.Timeout | undefined;
  /** The current rate window: time spent waiting for the server, and bytes that came in it. */
  private waitingSince: number | undefined;
  private waitedMs = 0;
  private windowBytes = 0;
  private finished = false;
  private readonly onAbort = () => this.destroy(abortReason(this.limits.signal!) as Error);

  constructor(
    private readonly req: ClientRequest,
    private readonly res: IncomingMessage,
    private readonly wire: WireCounter,
    private readonly limits: BodyLimits,
  ) {
    super({ highWaterMark: 64 * 1024 });
    res.pause();
    res.on('data', (chunk: Buffer) => this.onData(chunk));
    res.once('end', () => this.onEnd());
    res.on('error', (err) => this.fail(err));
    req.on('error', (err) => this.fail(err));
    res.once('close', () => {
      // A close without 'end' is a truncated transfer, whatever Node says about it.
      if (!this.finished) this.fail(Object.assign(new Error('closed early'), { code: 'ECONNRESET' }));
    });
    if (limits.signal) {
      if (limits.signal.aborted) queueMicrotask(this.onAbort);
      else limits.signal.addEventListener('abort', this.onAbort, { once: true });
    }
    if (limits.maxDurationMs !== undefined) {
      this.durationTimer = setTimeout(() => this.fail(FetchError.tooSlow()), Math.max(0, limits.maxDurationMs));
    }
  }

  /** Bytes delivered so far. */
  get bytesReceived(): number {
    return this.received;
  }

  override _read(): void {
    this.armIdle();
    this.startWaiting();
    this.res.resume();
  }

  private startWaiting(): void {
    const rate = this.limits.minRate;
    if (!rate || this.finished || this.waitingSince !== undefined) return;
    this.waitingSince = performance.now();
    this.rateTimer = setTimeout(() => this.checkRate(), Math.max(0, rate.windowMs - this.waitedMs));
  }

  private stopWaiting(): void {
    if (this.waitingSince === undefined) return;
    this.waitedMs += performance.now() - this.waitingSince;
    this.waitingSince = undefined;
    clearTimeout(this.rateTimer);
    this.rateTimer = undefined;
  }

  /** At the end of each window of waiting: too few bytes in it is a `timeout`; otherwise a new window starts. */
  private checkRate(): void {
    const rate = this.limits.minRate;
    if (!rate || this.finished) return;
    const waiting = this.waitingSince !== undefined;
    this.stopWaiting();
    if (this.waitedMs < rate.windowMs) {
      if (waiting) this.startWaiting();
      return;
    }
    if (this.windowBytes < (rate.minBytesPerSecond * this.waitedMs) / 1000) {
      this.fail(FetchError.tooSlow());
      return;
    }
    this.waitedMs = 0;
    this.windowBytes = 0;
    if (waiting) this.startWaiting();
  }

  private armIdle(): void {
    if (this.idleTimer || this.finished) return;
    this.idleTimer = setTimeout(() => this.fail(FetchError.timeout()), this.limits.idleTimeoutMs);
  }

  private disarmIdle(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  private onData(chunk: Buffer): void {
    if (this.finished) return;
    this.disarmIdle();
    this.received += chunk.length;
    this.windowBytes += chunk.length;
    const { maxBytes, expectedLength } = this.limits;
    if (this.received > maxBytes || (expectedLength !== undefined && this.received > expectedLength)) {
      this.fail(FetchError.tooLarge());
      return;
    }
    if (this.push(chunk)) this.armIdle();
    else {
      this.stopWaiting();
      this.res.pause();
    }
  }

  private onEnd(): void {
    if (this.finished) return;
    const { expectedLength } = this.limits;
    if (expectedLength !== undefined && this.received < expectedLength) {
      this.fail(Object.assign(new Error('short body'), { code: 'ECONNRESET' }));
      return;
    }
    // More bytes on the wire than announced: Node dropped them, we refuse the file.
    const onWire = this.wire.bodyBytes;
    if (expectedLength !== undefined && onWire !== undefined && onWire > expectedLength) {
      this.fail(FetchError.tooLarge());
      return;
    }
    this.finished = true;
    this.clearTimers();
    this.limits.signal?.removeEventListener('abort', this.onAbort);
    this.push(null);
  }

  private fail(err: unknown): void {
    if (this.finished) return;
    const signal = this.limits.signal;
    this.destroy((signal?.aborted ? abortReason(signal) : toFetchError(err)) as Error);
  }

  private clearTimers(): void {
    this.disarmIdle();
    this.stopWaiting();
    clearTimeout(this.durationTimer);
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.finished = true;
    this.clearTimers();
    this.limits.signal?.removeEventListener('abort', this.onAbort);
    // Tears the socket down; also how a consumer that stops early releases it.
    if (!this.res.complete) this.req.destroy();
    this.res.destroy();
    callback(err);
  }
}
