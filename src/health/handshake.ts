// Connect + MCP initialize. An http server that is still starting refuses connections: retry with
// a short backoff until the deadline. A stdio server has its pipes from the start: no retry.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { Runtime } from '../runtimes/runtime.js';
import type { Clock } from './clock.js';
import { closeClient } from './close-client.js';
import { describeError } from './describe-error.js';
import { GateFailure, type FailureLatch } from './gate-failure.js';

export interface HandshakeOptions {
  runtime: Runtime;
  instanceId: string;
  retry: boolean;
  latch: FailureLatch;
  clock: Clock;
  deadline: number;
  clientInfo: { name: string; version: string };
  /** Told about each failed attempt, so a timeout can say what went wrong last. */
  onAttemptFailed: (error: string) => void;
}

const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 1000;

export async function handshake(o: HandshakeOptions): Promise<Client> {
  let backoff = FIRST_BACKOFF_MS;
  for (;;) {
    const client = new Client(o.clientInfo, { capabilities: {} });
    try {
      const transport = await o.latch.guard(o.runtime.connect(o.instanceId));
      // Our deadline decides; the SDK's own request timeout is only a backstop beyond it.
      const timeout = Math.max(1, o.deadline - o.clock.now()) + 1000;
      await o.latch.guard(client.connect(transport, { signal: o.latch.signal, timeout }));
      return client;
    } catch (err) {
      await closeClient(client);
      o.latch.check();
      if (!o.retry || !isRetryable(err)) throw new GateFailure('handshake-failed', `MCP handshake failed: ${describeError(err)}`);
      o.onAttemptFailed(describeError(err));
      await o.clock.sleep(Math.min(backoff, Math.max(0, o.deadline - o.clock.now())), o.latch.signal);
      o.latch.check();
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  }
}

/** Transport trouble (refused, reset, HTTP error while starting) may pass; a JSON-RPC error answer will not. */
function isRetryable(err: unknown): boolean {
  if (!(err instanceof McpError)) return true;
  return err.code === (ErrorCode.ConnectionClosed as number) || err.code === (ErrorCode.RequestTimeout as number);
}
