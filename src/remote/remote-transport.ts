// The client transport to a remote server: its url, its transport, and its headers on every request
// (the event stream of sse too). The headers hold credentials: they go on the wire and nowhere else.
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';

export interface RemoteTarget {
  url: string;
  transport: 'streamable-http' | 'sse';
  headers: Record<string, string>;
}

export function createRemoteTransport(t: RemoteTarget): Transport {
  const requestInit: RequestInit = { headers: { ...t.headers } };
  const url = new URL(t.url);
  return t.transport === 'sse' ? new SSEClientTransport(url, { requestInit }) : new StreamableHTTPClientTransport(url, { requestInit });
}
