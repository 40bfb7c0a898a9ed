/**
 * Counts the raw bytes a server sends after the final response head. Node's
 * parser stops at Content-Length and silently drops anything beyond it, so
 * this is the only way to notice a server that sends more than it announced
 * (and a file that would otherwise be truncated without a word).
 * Bytes that arrive only after the body has ended are not seen.
 */
import type { Socket } from 'node:net';

const MAX_HEAD_BYTES = 64 * 1024;

export class WireCounter {
  private head: Buffer[] = [];
  private headBytes = 0;
  private after: number | undefined;
  private gaveUp = false;

  constructor(socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  /** Bytes seen after the final head, or undefined if it was not found. */
  get bodyBytes(): number | undefined {
    return this.after;
  }

  private onData(chunk: Buffer): void {
    if (this.after !== undefined) {
      this.after += chunk.length;
      return;
    }
    if (this.gaveUp) return;
    this.head.push(chunk);
    this.headBytes += chunk.length;
    let buf = Buffer.concat(this.head);
    // Skip informational (1xx) heads; the final head is the first other one.
    for (;;) {
      const end = headEnd(buf);
      if (end < 0) break;
      if (!/^HTTP\/\d(\.\d)? 1\d\d/.test(buf.subarray(0, 16).toString('latin1'))) {
        this.after = buf.length - end;
        this.head = [];
        return;
      }
      buf = buf.subarray(end);
    }
    this.head = [buf];
    if (this.headBytes > MAX_HEAD_BYTES) this.gaveUp = true;
  }
}

/** Offset just past the first empty line (CRLF or bare LF), or -1. */
function headEnd(buf: Buffer): number {
  for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) {
    if (buf[i + 1] === 10) return i + 2;
    if (buf[i + 1] === 13 && buf[i + 2] === 10) return i + 3;
  }
  return -1;
}
