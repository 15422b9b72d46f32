// Client transports for servers that speak HTTP themselves.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { tracedFetch } from '../telemetry/propagate.js';

/** With tracing on, every request carries the active span's traceparent (gateway requests, the gate's steps). */
export function createHttpTransport(transport: 'streamable-http' | 'sse', url: string): Transport {
  const opts = { fetch: tracedFetch };
  return transport === 'sse' ? new SSEClientTransport(new URL(url), opts) : new StreamableHTTPClientTransport(new URL(url), opts);
}
