// A client session on a streamable-HTTP upstream, passed through: each request of the client is one
// HTTP request to the instance, bytes unchanged both ways, except the Mcp-Session-Id (the client
// sees the gateway's id, pinned to this instance; the instance sees its own). No second MCP stack
// runs here (ADR 0005): the gateway only reads the JSON-RPC ids going past, for its metrics and so
// that a drain or a lost instance can still end what is in flight with a clean JSON-RPC error.
import { randomUUID } from 'node:crypto';
import {
  request as httpRequest,
  type ClientRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import type { Body } from '../body.js';
import { describeError } from '../upstream/client-lifecycle.js';
import type { DownstreamSession } from './downstream-session.js';
import { GatewayError } from '../errors.js';
import type { ErrorReason, GatewayMetrics } from '../metrics.js';
import type { GatewayLimits } from '../options.js';
import type { Readable } from 'node:stream';
import { refusedAnswer, toolListRewriter, toolRequests } from '../tools/proxy-tools.js';
import type { SessionTools } from '../tools/tool-guard.js';
import type { ProxyTarget } from '../upstream/proxy-target.js';
import { injectTrace } from '../../telemetry/propagate.js';
import { IdleTimer } from './idle-timer.js';
import { afterWrite, watchResponses, type RpcResponse } from './response-watch.js';

/** Headers that belong to one hop, or to the gateway (its token, its session id): never passed on. */
const HOP = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'content-length',
  'authorization',
  'mcp-session-id',
  'accept-encoding',
]);
const DELETE_TIMEOUT_MS = 1000;

export interface ProxySessionOptions {
  server: string;
  instanceId: string;
  target: ProxyTarget;
  metrics: GatewayMetrics;
  limits: Pick<GatewayLimits, 'requestTimeoutMs' | 'idleTimeoutMs'>;
  onClosed: (session: DownstreamSession, why: GatewayError) => void;
  /** The instance's tool filter and pin (tools/list answers rewritten, refused tools/call answered here). */
  tools?: SessionTools;
}

type RpcId = string | number;

/** One client request on its way: what it waits for, and how to end it early. */
interface Exchange {
  res: ServerResponse;
  upstream?: ClientRequest;
  response?: IncomingMessage;
  /** What is piped to the client: the response, or its tools/list results filtered. */
  out?: Readable;
  /** tools/list requests of this body, with their cursor. */
  lists?: Map<RpcId, unknown>;
  /** The answer is a text/event-stream: late errors can still be sent as events. */
  sse: boolean;
  /** Requests of this body not answered yet, with their metrics timers. */
  pending: Map<RpcId, (error?: ErrorReason) => void>;
  finished: boolean;
  done: () => void;
  /** Reads the answer's responses not read yet (the watch runs after the bytes went on). */
  flushWatch?: () => void;
}

/** Hop-by-hop headers of the upstream's answer: the client's connection is not the instance's. */
const HOP_BACK = new Set(['connection', 'keep-alive', 'transfer-encoding']);

/** `h` without the headers in `drop` (for...in: no entry arrays on the per-request path). */
function copyHeaders(h: IncomingHttpHeaders, drop: ReadonlySet<string>): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const k in h) {
    const v = h[k];
    if (v !== undefined && !drop.has(k)) out[k] = v;
  }
  return out;
}

function isRequest(m: unknown): m is { id: RpcId; method: string } {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as Record<string, unknown>;
  return typeof r.method === 'string' && (typeof r.id === 'string' || typeof r.id === 'number');
}

export class ProxySession implements DownstreamSession {
  readonly id = randomUUID();
  private upstreamId: string | undefined;
  private initialized = false;
  private readonly exchanges = new Set<Exchange>();
  private readonly idle: IdleTimer;
  private closing: Promise<void> | undefined;
  private last = Date.now();

  constructor(private readonly o: ProxySessionOptions) {
    this.idle = new IdleTimer({
      server: o.server,
      idleTimeoutMs: o.limits.idleTimeoutMs,
      busy: () => this.busy,
      close: (why) => void this.close(why),
    });
    this.idle.arm();
  }

  get server(): string {
    return this.o.server;
  }

  get instanceId(): string {
    return this.o.instanceId;
  }

  get established(): boolean {
    return this.initialized && !this.closing;
  }

  /** A request of the client awaits its answer (an SSE GET stream alone does not count). */
  get busy(): boolean {
    return [...this.exchanges].some((x) => x.pending.size > 0);
  }

  get lastActive(): number {
    return this.last;
  }

  handle(req: IncomingMessage, res: ServerResponse, body: Body, raw: Buffer | undefined): Promise<void> {
    this.last = Date.now();
    this.idle.arm();
    const pending = new Map<RpcId, (error?: ErrorReason) => void>();
    for (const m of body.messages) {
      // initialize is timed by the HTTP handler, which also decides whether the session stays
      if (isRequest(m) && m.method !== 'initialize') pending.set(m.id, this.o.metrics.start(this.o.server, m.method));
    }
    const initialize = body.messages.some((m) => isRequest(m) && m.method === 'initialize');
    const tools = this.o.tools?.active ? toolRequests(body.messages, this.o.tools, this.o.server) : undefined;
    if (tools && tools.refused.size > 0) {
      for (const stop of pending.values()) stop('rejected');
      res.writeHead(200, { 'content-type': 'application/json' }).end(refusedAnswer(body, tools.refused, this.o.server));
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const x: Exchange = { res, pending, finished: false, sse: false, done: () => undefined, ...(tools?.lists.size && { lists: tools.lists }) };
      x.done = () => {
        if (x.finished) return;
        x.flushWatch?.();
        x.finished = true;
        for (const stop of x.pending.values()) stop('unavailable');
        this.exchanges.delete(x);
        this.idle.arm();
        if (req.method === 'DELETE' && res.statusCode < 300) {
          this.upstreamId = undefined; // the instance ended it already: no second DELETE
          void this.close(new GatewayError('SESSION_ENDED', 'the client ended the session', this.o.server));
        }
        resolve();
      };
      this.exchanges.add(x);
      this.forward(req, raw, x, initialize);
    });
  }

  async expire(why: GatewayError): Promise<void> {
    if (this.closing) return this.closing;
    for (const x of [...this.exchanges]) this.fail(x, why);
    await this.close(why);
  }

  close(why: GatewayError): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = Promise.resolve();
    this.idle.stop();
    this.o.onClosed(this, why);
    for (const x of [...this.exchanges]) this.fail(x, why);
    if (this.upstreamId !== undefined) this.deleteUpstream(this.upstreamId);
    return this.closing;
  }

  private forward(req: IncomingMessage, raw: Buffer | undefined, x: Exchange, initialize: boolean): void {
    const headers = copyHeaders(req.headers, HOP);
    if (this.upstreamId !== undefined) headers['mcp-session-id'] = this.upstreamId;
    if (raw !== undefined) headers['content-length'] = String(raw.length);
    injectTrace(headers);
    const up = httpRequest({ ...this.o.target.options, method: req.method, headers });
    x.upstream = up;
    if (req.method === 'POST')
      up.setTimeout(this.o.limits.requestTimeoutMs, () => up.destroy(new Error(`no answer within ${this.o.limits.requestTimeoutMs} ms`)));
    up.on('error', (err) =>
      this.fail(x, new GatewayError('UPSTREAM_UNAVAILABLE', `server ${this.o.server} is unreachable: ${describeError(err)}`, this.o.server)),
    );
    up.on('response', (ur) => this.respond(ur, x, initialize));
    x.res.on('close', () => {
      if (!x.finished) up.destroy(); // the client went away: so does its upstream request
      x.done();
    });
    up.end(raw);
  }

  private respond(ur: IncomingMessage, x: Exchange, initialize: boolean): void {
    const headers = copyHeaders(ur.headers, HOP_BACK);
    const sid = ur.headers['mcp-session-id'];
    if (typeof sid === 'string') {
      this.upstreamId ??= sid;
      headers['mcp-session-id'] = this.id;
    }
    const status = ur.statusCode ?? 502;
    if (initialize && status === 200) this.initialized = true;
    x.response = ur;
    x.sse = String(ur.headers['content-type'] ?? '').startsWith('text/event-stream');
    const out = x.lists && this.o.tools ? ur.pipe(toolListRewriter(ur.headers['content-type'], x.lists, this.o.tools)) : ur;
    if (out !== ur) delete headers['content-length'];
    x.out = out;
    x.res.writeHead(status, headers);
    const watch = afterWrite(watchResponses(ur.headers['content-type'], (r) => this.answered(x, r)));
    x.flushWatch = watch.flush;
    ur.on('data', (chunk: Buffer) => watch.push(chunk));
    ur.on('end', () => watch.end());
    out.on('end', () => x.res.end());
    ur.on('error', () => x.res.destroy());
    out.pipe(x.res, { end: false });
  }

  private answered(x: Exchange, r: RpcResponse): void {
    const stop = x.pending.get(r.id);
    if (!stop) return;
    x.pending.delete(r.id);
    stop(r.error !== undefined ? 'jsonrpc' : r.result?.isError === true ? 'tool' : undefined);
  }

  /** Ends one exchange early: its unanswered requests get `why` as their JSON-RPC error. */
  private fail(x: Exchange, why: GatewayError): void {
    if (x.finished) return;
    x.flushWatch?.(); // what was answered already counts as answered
    const reason: ErrorReason = why.code === 'DRAINED' ? 'drained' : 'unavailable';
    const ids = [...x.pending.keys()];
    for (const stop of x.pending.values()) stop(reason);
    x.pending.clear();
    x.out?.unpipe(x.res);
    x.response?.destroy();
    x.upstream?.destroy();
    const res = x.res;
    if (!res.headersSent) {
      res.writeHead(why.status, { 'content-type': 'application/json' }).end(JSON.stringify(why.body(ids.length === 1 ? ids[0] : null)));
    } else if (x.sse) {
      for (const id of ids) res.write(`event: message\ndata: ${JSON.stringify(why.body(id))}\n\n`);
      res.end();
    } else {
      res.destroy();
    }
    x.done();
  }

  /** Frees the instance's session (best effort, bounded): the client will not come back to it. */
  private deleteUpstream(upstreamId: string): void {
    const del = httpRequest({
      ...this.o.target.options,
      method: 'DELETE',
      headers: { 'mcp-session-id': upstreamId },
      timeout: DELETE_TIMEOUT_MS,
    });
    del.on('timeout', () => del.destroy());
    del.on('error', () => undefined);
    del.on('response', (r) => r.resume());
    del.end();
  }
}
