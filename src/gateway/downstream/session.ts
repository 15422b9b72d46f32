// One downstream MCP session: its own streamable-HTTP server transport and SDK Server, pinned to
// the instance that was active when it initialized, with an upstream from that instance. It ends
// when the client deletes it, goes idle, or its instance is retired (drain) or gone.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { ResultSchema, type InitializeRequest, type Notification } from '@modelcontextprotocol/sdk/types.js';
import type { Body } from '../body.js';
import { createDownstreamServer } from './downstream-server.js';
import type { DownstreamSession } from './downstream-session.js';
import { GatewayError } from '../errors.js';
import type { GatewayMetrics } from '../metrics.js';
import type { GatewayLimits } from '../options.js';
import { IdleTimer } from './idle-timer.js';
import { TrackingTransport } from './tracking-transport.js';
import type { SessionTools } from '../tools/tool-guard.js';
import type { Upstream, UpstreamPeer, UpstreamSource } from '../upstream/upstream.js';

/** How long a drained session waits for the errors of its in-flight requests to be written. */
const FLUSH_MS = 2000;

export interface SessionOptions {
  server: string;
  instanceId: string;
  source: UpstreamSource;
  init: InitializeRequest;
  metrics: GatewayMetrics;
  limits: Pick<GatewayLimits, 'requestTimeoutMs' | 'idleTimeoutMs'>;
  /** The instance's tool filter and pin. */
  tools?: SessionTools;
  /** Called once, when the session starts to close, with why. */
  onClosed: (session: DownstreamSession, why: GatewayError) => void;
}

export class GatewaySession implements DownstreamSession {
  readonly id = randomUUID();
  private readonly abort = new AbortController();
  private upstream: Upstream | undefined;
  private mcp: Server | undefined;
  private transport: StreamableHTTPServerTransport | undefined;
  private tracked: TrackingTransport | undefined;
  private readonly idle: IdleTimer;
  private closing: Promise<void> | undefined;
  private last = Date.now();

  private constructor(private readonly o: SessionOptions) {
    this.idle = new IdleTimer({
      server: o.server,
      idleTimeoutMs: o.limits.idleTimeoutMs,
      busy: () => this.tracked?.busy ?? false,
      close: (why) => void this.close(why),
    });
  }

  /** Opens the upstream and the session's server; the initialize request is then handled by `handle`. */
  static async open(o: SessionOptions): Promise<GatewaySession> {
    const s = new GatewaySession(o);
    await s.start();
    return s;
  }

  get server(): string {
    return this.o.server;
  }

  get instanceId(): string {
    return this.o.instanceId;
  }

  /** The initialize request went through and the client has a session id. */
  get established(): boolean {
    return this.transport?.sessionId !== undefined && !this.closing;
  }

  /** A request of the client awaits its answer (an SSE GET stream alone does not count). */
  get busy(): boolean {
    return this.tracked?.busy ?? true;
  }

  /** When the client last sent a request (ms since epoch). */
  get lastActive(): number {
    return this.last;
  }

  async handle(req: IncomingMessage, res: ServerResponse, body: Body): Promise<void> {
    this.last = Date.now();
    this.idle.arm();
    await this.transport!.handleRequest(req, res, body.value);
  }

  /** Fails what is in flight with `why` (a clean JSON-RPC error), then closes. */
  async expire(why: GatewayError): Promise<void> {
    if (this.closing) return this.closing;
    this.abort.abort(why.toMcpError());
    await this.tracked?.idle(FLUSH_MS);
    await this.close(why);
  }

  close(why: GatewayError): Promise<void> {
    if (this.closing) return this.closing;
    // set before anything runs: closing the SDK server fires its onclose synchronously, which must
    // not close the session a second time with another reason
    let done!: () => void;
    this.closing = new Promise<void>((resolve) => (done = resolve));
    this.idle.stop();
    if (!this.abort.signal.aborted) this.abort.abort(why.toMcpError());
    this.o.onClosed(this, why);
    void (async () => {
      await this.mcp?.close().catch(() => undefined);
      await this.upstream?.release().catch(() => undefined);
    })().finally(done);
    return this.closing;
  }

  private async start(): Promise<void> {
    const peer: UpstreamPeer = {
      notify: (n) => this.notifyClient(n),
      request: (r, signal) => {
        if (!this.mcp) return Promise.reject(new Error('session not ready'));
        // on the stream of the client's request that caused it, as the server would have sent it
        const related = this.tracked?.inFlight;
        return this.mcp.request(r, ResultSchema, {
          signal,
          timeout: this.o.limits.requestTimeoutMs,
          ...(related !== undefined && { relatedRequestId: related }),
        });
      },
      lost: (reason) => void this.expire(new GatewayError('SESSION_ENDED', `${reason}; initialize a new session`, this.o.server)),
    };
    const { clientInfo, capabilities } = this.o.init.params;
    this.upstream = await this.o.source.open({ clientInfo, capabilities, peer });
    this.mcp = createDownstreamServer({
      server: this.o.server,
      upstream: this.upstream,
      metrics: this.o.metrics,
      requestTimeoutMs: this.o.limits.requestTimeoutMs,
      session: this.abort.signal,
      onRequest: () => this.idle.arm(),
      ...(this.o.tools && { tools: this.o.tools }),
    });
    this.mcp.onclose = () => void this.close(new GatewayError('SESSION_ENDED', 'the client ended the session', this.o.server));
    this.transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => this.id });
    this.tracked = new TrackingTransport(this.transport);
    await this.mcp.connect(this.tracked);
    this.idle.arm();
  }

  /**
   * A notification from the server. The upstream does not say which request it belongs to (stdio has
   * no streams), so while a request of this client is in flight it goes out on that request's stream,
   * as the server would have sent it directly: a client that opened no GET stream still gets its
   * logs. Otherwise it goes to the GET stream (dropped by the transport when there is none).
   */
  private notifyClient(n: Notification): void {
    const related = this.tracked?.inFlight;
    this.mcp?.notification(n, related !== undefined ? { relatedRequestId: related } : undefined).catch(() => undefined); // e.g. a capability the client did not ask for
  }
}
