// Connect + MCP initialize. An http server that is still starting refuses connections: retry with
// a short backoff until the deadline. A stdio server has its pipes from the start: no retry.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SseError } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
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
    // one signal per attempt, unlinked afterwards: the SDK never removes the abort listener it adds
    // to a request's signal, so passing the latch's own signal leaked one listener per retry
    const attempt = new AbortController();
    const cancel = (): void => attempt.abort(o.latch.signal.reason);
    o.latch.signal.addEventListener('abort', cancel, { once: true });
    try {
      const transport = await o.latch.guard(o.runtime.connect(o.instanceId));
      // Our deadline decides; the SDK's own request timeout is only a backstop beyond it.
      const timeout = Math.max(1, o.deadline - o.clock.now()) + 1000;
      await o.latch.guard(client.connect(transport, { signal: attempt.signal, timeout }));
      return client;
    } catch (err) {
      await closeClient(client);
      o.latch.check();
      if (!o.retry || !isRetryable(err)) throw new GateFailure('handshake-failed', `MCP handshake failed: ${describeError(err)}`);
      o.onAttemptFailed(describeError(err));
      await o.clock.sleep(Math.min(backoff, Math.max(0, o.deadline - o.clock.now())), o.latch.signal);
      o.latch.check();
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    } finally {
      o.latch.signal.removeEventListener('abort', cancel);
    }
  }
}

/** HTTP answers that waiting will not change: the server is up and refuses us (a wrong or missing token). */
const REFUSED_STATUSES = new Set([401, 403]);

/**
 * Transport trouble (refused, reset, HTTP error while starting) may pass; a JSON-RPC error answer
 * will not, nor an HTTP 401/403 (a remote that refuses the headers fails at once, not at the deadline).
 */
function isRetryable(err: unknown): boolean {
  if ((err instanceof StreamableHTTPError || err instanceof SseError) && err.code !== undefined && REFUSED_STATUSES.has(err.code)) return false;
  if (!(err instanceof McpError)) return true;
  return err.code === (ErrorCode.ConnectionClosed as number) || err.code === (ErrorCode.RequestTimeout as number);
}
