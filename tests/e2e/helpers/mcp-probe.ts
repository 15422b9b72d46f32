// One MCP round trip to a streamable-http server, as a client of the deployed server would make it.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

/** Connects, lists tools and closes; true when `tool` is among them (any failure: false). */
export async function answersWith(url: string, tool = 'echo', timeoutMs = 2000): Promise<boolean> {
  const client = new Client({ name: 'e2e-probe', version: '1' });
  try {
    await client.connect(new StreamableHTTPClientTransport(new URL(url)), { timeout: timeoutMs });
    return (await client.listTools(undefined, { timeout: timeoutMs })).tools.some((t) => t.name === tool);
  } catch {
    return false;
  } finally {
    await client.close().catch(() => undefined);
  }
}
