// Wraps a session's server transport to know which client requests still await their answer:
// a session is idle only when none do, and a drain closes it only once the errors it sent for
// its in-flight requests have been written.
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  isJSONRPCErrorResponse,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  type JSONRPCMessage,
  type MessageExtraInfo,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';

export class TrackingTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void;
  private readonly pending = new Set<RequestId>();
  private waiters: (() => void)[] = [];

  constructor(private readonly inner: Transport) {
    inner.onmessage = (message, extra) => {
      if (isJSONRPCRequest(message)) this.pending.add(message.id);
      this.onmessage?.(message, extra);
    };
    inner.onclose = () => this.onclose?.();
    inner.onerror = (error) => this.onerror?.(error);
  }

  get sessionId(): string | undefined {
    return this.inner.sessionId;
  }

  /** A client request still waiting for its answer (the oldest), if any. */
  get inFlight(): RequestId | undefined {
    return this.pending.values().next().value;
  }

  get busy(): boolean {
    return this.pending.size > 0;
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    try {
      await this.inner.send(message, options);
    } finally {
      if (isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message)) this.settle(message.id);
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** Resolves once every request received so far has been answered (or the deadline passed). */
  async idle(timeoutMs: number): Promise<void> {
    if (this.pending.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise<void>((r) => this.waiters.push(r)), new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
  }

  private settle(id: RequestId | undefined): void {
    if (id === undefined || !this.pending.delete(id) || this.pending.size > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((w) => w());
  }
}
