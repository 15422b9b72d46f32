// Where the tool watch of a pass-through (streamable-HTTP) instance opens its session: an SDK client
// of its own to the instance's URL, since pass-through sessions run no MCP stack in the gateway.
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { dedicatedSource } from '../upstream/dedicated-upstream.js';
import type { UpstreamSource } from '../upstream/upstream.js';

export function httpWatchSource(server: string, url: URL, connectTimeoutMs: number): UpstreamSource {
  return dedicatedSource({ server, connect: () => Promise.resolve(new StreamableHTTPClientTransport(url)), connectTimeoutMs });
}
