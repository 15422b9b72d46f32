// One SERVER span per gateway HTTP request (MCP semantic conventions: `{mcp.method.name} {target}`,
// mcp.method.name, gen_ai.tool.name, jsonrpc.request.id, mcp.session.id, error.type), a child of
// the client's W3C traceparent when it sends one. Only names and ids are recorded, never arguments.
// With tracing off the API's tracer is a no-op and `traced` only runs `fn`.
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { ATTR, TRACER_NAME } from './names.js';
import { tracingOn } from './switch.js';

interface RpcLike {
  method: string;
  id?: string | number;
  params?: { name?: unknown; _meta?: Record<string, unknown> };
}

function firstRpc(messages: () => unknown[] | undefined): RpcLike | undefined {
  let first: unknown;
  try {
    first = messages()?.[0];
  } catch {
    return undefined; // not JSON: the handler answers that, untraced
  }
  if (typeof first !== 'object' || first === null) return undefined;
  const m = first as Record<string, unknown>;
  return typeof m.method === 'string' ? (m as unknown as RpcLike) : undefined;
}

function one(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : typeof v === 'string' ? v : undefined;
}

let versionOf: (instanceId: string) => string | undefined = () => undefined;

/** Where a span finds the version an instance runs (the daemon's status; set once when tracing is on). */
export function traceVersions(lookup: (instanceId: string) => string | undefined): void {
  versionOf = lookup;
}

/**
 * Runs one /mcp/<server> request inside its span; the span ends when the response does. `messages`
 * is the body's JSON-RPC messages as the handler parses them (once: it keeps what it parsed); the
 * parent is the first message's `params._meta` trace context, else the request's traceparent header.
 */
export function traced(
  req: { headers: IncomingHttpHeaders; method: string },
  res: ServerResponse,
  server: string,
  messages: () => unknown[] | undefined,
  fn: () => Promise<void>,
): Promise<void> {
  // off: the body is not looked at, no context is made
  if (req.method !== 'POST' || !tracingOn()) return fn();
  const rpc = firstRpc(messages);
  if (!rpc) return fn();
  const meta = rpc.params?._meta;
  const parent = propagation.extract(context.active(), typeof meta?.traceparent === 'string' ? meta : req.headers);
  const span = trace.getTracer(TRACER_NAME).startSpan('mcp', { kind: SpanKind.SERVER }, parent);
  if (!span.isRecording()) return fn();
  const tool = rpc.method === 'tools/call' && typeof rpc.params?.name === 'string' ? rpc.params.name : undefined;
  const prompt = rpc.method === 'prompts/get' && typeof rpc.params?.name === 'string' ? rpc.params.name : undefined;
  const attributes: Attributes = {
    'mcp.method.name': rpc.method,
    [ATTR.server]: server,
    'network.transport': 'tcp',
    ...(rpc.id !== undefined && { 'jsonrpc.request.id': String(rpc.id) }),
    ...(tool !== undefined && { 'gen_ai.tool.name': tool, 'gen_ai.operation.name': 'execute_tool' }),
    ...(prompt !== undefined && { 'gen_ai.prompt.name': prompt }),
  };
  const sid = one(req.headers, 'mcp-session-id');
  if (sid) attributes['mcp.session.id'] = sid; // the gateway's own session id (traceSession adds it for initialize)
  const target = tool ?? prompt;
  span.updateName(target ? `${rpc.method} ${target}` : rpc.method);
  span.setAttributes(attributes);
  const end = (): void => {
    if (res.statusCode >= 400) {
      span.setAttribute('error.type', String(res.statusCode));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  };
  res.once('close', end);
  return context.with(trace.setSpan(parent, span), fn);
}

/** The session a request landed on: its id, instance (and that instance's version) on the request's span. */
export function traceSession(session: { id: string; instanceId: string }): void {
  const span = trace.getActiveSpan();
  if (!span?.isRecording()) return;
  span.setAttribute('mcp.session.id', session.id);
  span.setAttribute(ATTR.instance, session.instanceId);
  const v = versionOf(session.instanceId);
  if (v !== undefined) span.setAttribute(ATTR.version, v);
}

/** The gateway's metrics, as far as tracing needs them (src/gateway imports this folder, not the other way). */
export interface MetricsLike<R extends string> {
  start(server: string, method: string): (error?: R) => void;
  rejected(server: string, method: string): void;
  evicted(server: string): void;
}

function failed(span: Span | undefined, reason: string | undefined): void {
  if (!reason || !span?.isRecording()) return;
  span.setAttribute('error.type', reason === 'tool' ? 'tool_error' : reason);
  span.setStatus({ code: SpanStatusCode.ERROR });
}

/** The gateway's metrics, also marking the request's span with the error they record. */
export function tracedMetrics<R extends string, M extends MetricsLike<R>>(inner: M): M {
  return {
    ...inner,
    start(server: string, method: string) {
      const span = trace.getActiveSpan();
      const stop = inner.start(server, method);
      return (reason?: R) => {
        failed(span, reason);
        stop(reason);
      };
    },
    rejected(server: string, method: string) {
      failed(trace.getActiveSpan(), 'rejected');
      inner.rejected(server, method);
    },
  };
}
