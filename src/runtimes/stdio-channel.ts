// The daemon owns a stdio server's stdin/stdout for the whole life of the process. The channel
// frames stdout into lines (newline-delimited JSON-RPC, as the SDK's stdio transports) and hands
// them to the one attached connection; output while nobody is attached is drained and dropped,
// so the child never blocks on a full pipe. Closing a connection detaches it, never kills.
import type { Readable, Writable } from 'node:stream';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { deserializeMessage, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Logger } from './logger.js';

const MAX_LINE_BYTES = 10 * 1024 * 1024;

export class StdioChannel {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private attached: StdioConnection | undefined;
  private ended = false;

  constructor(
    private readonly stdin: Writable,
    stdout: Readable,
    private readonly logger: Logger,
    id: string,
  ) {
    stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    stdout.on('error', (err) => this.logger.debug({ id, err }, 'stdout error'));
    stdin.on('error', (err) => {
      this.logger.debug({ id, err }, 'stdin error');
      this.attached?.fail(err);
    });
  }

  /** A new connection; a previous one is detached first (one client at a time for now). */
  attach(): Transport {
    if (this.ended) throw new Error('process has exited');
    this.attached?.detach();
    const conn = new StdioConnection(this);
    this.attached = conn;
    return conn;
  }

  /** The process is gone: close whoever is attached. */
  end(): void {
    this.ended = true;
    this.attached?.detach();
  }

  /** @internal */
  release(conn: StdioConnection): void {
    if (this.attached === conn) this.attached = undefined;
  }

  /** @internal */
  write(text: string): Promise<void> {
    if (this.ended || this.stdin.destroyed || !this.stdin.writable) {
      return Promise.reject(new Error('Not connected: stdin is closed'));
    }
    return new Promise((resolveWrite, reject) => {
      const ok = this.stdin.write(text, (err) => (err ? reject(err) : undefined));
      if (ok) resolveWrite();
      else this.stdin.once('drain', () => resolveWrite());
    });
  }

  private onData(chunk: Buffer): void {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      this.pending.push(chunk.subarray(start, nl));
      const line = Buffer.concat(this.pending).toString('utf8').replace(/\r$/, '');
      this.pending = [];
      this.pendingBytes = 0;
      start = nl + 1;
      if (line.trim() !== '') this.attached?.deliver(line);
    }
    if (start < chunk.length) {
      this.pending.push(chunk.subarray(start));
      this.pendingBytes += chunk.length - start;
      if (this.pendingBytes > MAX_LINE_BYTES) {
        this.pending = [];
        this.pendingBytes = 0;
        this.attached?.fail(new Error(`stdout line exceeds ${MAX_LINE_BYTES} bytes; dropped`));
      }
    }
  }
}

class StdioConnection implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T) => void;
  private started = false;
  private closed = false;

  constructor(private readonly channel: StdioChannel) {}

  start(): Promise<void> {
    if (this.started) return Promise.reject(new Error('stdio connection already started'));
    if (this.closed) return Promise.reject(new Error('stdio connection is closed'));
    this.started = true;
    return Promise.resolve();
  }

  send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) return Promise.reject(new Error('Not connected'));
    return this.channel.write(serializeMessage(message));
  }

  /** Detaches from the process; the process keeps running. */
  close(): Promise<void> {
    this.detach();
    return Promise.resolve();
  }

  deliver(line: string): void {
    if (!this.started || this.closed) return;
    let message: JSONRPCMessage;
    try {
      message = deserializeMessage(line);
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    this.onmessage?.(message);
  }

  fail(err: Error): void {
    if (!this.closed) this.onerror?.(err);
  }

  detach(): void {
    if (this.closed) return;
    this.closed = true;
    this.channel.release(this);
    this.onclose?.();
  }
}
