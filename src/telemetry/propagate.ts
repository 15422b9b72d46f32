// W3C trace context out of the gateway: the active span's traceparent/tracestate into the headers of
// a proxied HTTP request, into the `params._meta` of a JSON-RPC request to an upstream (the MCP
// convention: _meta.traceparent / _meta.tracestate, see docs/reference/tracing.md), and into the
// requests of an SDK HTTP transport (its `fetch`). Each replaces what the client sent. Off: no-ops.
import { context, propagation, trace } from '@opentelemetry/api';
import { tracingOn } from './switch.js';

const KEYS = ['traceparent', 'tracestate'] as const;

/** The request's trace context into headers going to an HTTP upstream (replacing the client's). */
export function injectTrace(headers: Record<string, unknown>): void {
  if (tracingOn()) propagation.inject(context.active(), headers);
}

type Meta = Record<string, unknown>;

/** params with the active span's trace context in `_meta` (the client's own keys replaced); params itself when there is none. */
export function traceMeta<P extends { _meta?: Meta }>(params: P | undefined): P | undefined {
  if (!tracingOn() || !trace.getActiveSpan()?.isRecording()) return params;
  const carrier: Meta = {};
  propagation.inject(context.active(), carrier);
  if (!carrier.traceparent) return params;
  const meta: Meta = { ...params?._meta };
  for (const k of KEYS) delete meta[k];
  return { ...(params ?? ({} as P)), _meta: { ...meta, ...carrier } };
}

/** A fetch for SDK client transports: the active trace context as headers of every request it sends. */
export const tracedFetch: typeof fetch = (input, init) => {
  if (!tracingOn() || !trace.getActiveSpan()?.isRecording()) return fetch(input, init);
  const headers = new Headers(init?.headers);
  for (const k of KEYS) headers.delete(k);
  propagation.inject(context.active(), headers, { set: (h, k, v) => h.set(k, v) });
  return fetch(input, { ...init, headers });
};
