// Upstream failures as the JSON-RPC error the downstream client receives: an upstream JSON-RPC error
// passes through unchanged (code, message, data); a broken connection becomes UPSTREAM_UNAVAILABLE.
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { RPC_CODES } from '../errors.js';
import type { ErrorReason } from '../metrics.js';

/** Thrown from a request handler: the SDK's Protocol sends `code`, `message` and `data` as they are. */
export class ForwardedError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'ForwardedError';
  }
}

/** McpError prefixes "MCP error <code>: "; the client's SDK adds it again, so take it off. */
function originalMessage(e: McpError): string {
  const prefix = `MCP error ${e.code}: `;
  return e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
}

export function toForwarded(err: unknown, server: string): ForwardedError {
  if (err instanceof McpError) return new ForwardedError(err.code, originalMessage(err), err.data);
  const what = err instanceof Error ? err.message : String(err);
  return new ForwardedError(RPC_CODES.UPSTREAM_UNAVAILABLE, `server ${server} is unreachable: ${what}`, { code: 'UPSTREAM_UNAVAILABLE', server });
}

export function errorReason(err: unknown): ErrorReason {
  if (!(err instanceof McpError)) return 'unavailable';
  if (err.code === RPC_CODES.DRAINED || err.code === RPC_CODES.INSTANCE_GONE) return 'drained';
  if (err.code === (ErrorCode.RequestTimeout as number)) return 'timeout';
  if (err.code === (ErrorCode.ConnectionClosed as number)) return 'unavailable';
  return 'jsonrpc';
}
