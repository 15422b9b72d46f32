// Connecting an upstream SDK Client within a deadline; closing it politely is the health gate's closeClient.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { closeClient } from '../../health/close-client.js';
import { GatewayError } from '../errors.js';
import { deliverResponsesInOrder } from './ordered-delivery.js';

export { closeClient };

export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? err.cause.message : undefined;
  return cause && !err.message.includes(cause) ? `${err.message}: ${cause}` : err.message;
}

/** Transport + initialize within `timeoutMs`; on failure the client is closed and UPSTREAM_UNAVAILABLE thrown. */
export async function connectClient(client: Client, transport: () => Promise<Transport>, timeoutMs: number, server: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let late = false;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no MCP handshake within ${timeoutMs} ms`)), timeoutMs);
  });
  const attempt = (async () => {
    const t = await transport();
    if (late) {
      await t.close(); // the deadline passed while connecting: do not keep what came too late
      return;
    }
    await client.connect(t, { timeout: timeoutMs });
    deliverResponsesInOrder(t);
  })();
  attempt.catch(() => undefined);
  try {
    await Promise.race([attempt, deadline]);
  } catch (err) {
    late = true;
    await closeClient(client);
    throw new GatewayError('UPSTREAM_UNAVAILABLE', `server ${server} is unreachable: ${describeError(err)}`, server);
  } finally {
    clearTimeout(timer);
  }
}
