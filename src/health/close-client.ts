// Closing a gate's client: end an HTTP session politely (bounded), then close the transport.
// For a stdio instance, closing only detaches from the pipes: the process keeps running.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const TERMINATE_TIMEOUT_MS = 1000;

export async function closeClient(client: Client): Promise<void> {
  const transport = client.transport;
  if (transport instanceof StreamableHTTPClientTransport && transport.sessionId) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([transport.terminateSession().catch(() => undefined), new Promise((r) => (timer = setTimeout(r, TERMINATE_TIMEOUT_MS)))]);
    clearTimeout(timer);
  }
  try {
    await client.close();
  } catch {
    // closing is best effort
  }
}
