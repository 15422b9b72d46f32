// What the gateway answers when it cannot pass a message on: a stable code (data.code), an HTTP
// status and a JSON-RPC error code, so clients and tests branch on codes, never on messages.
import { McpError } from '@modelcontextprotocol/sdk/types.js';

export type GatewayErrorCode =
  | 'PARSE_ERROR'
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'UNKNOWN_SERVER'
  | 'NOT_READY'
  | 'TOO_MANY_SESSIONS'
  | 'SESSION_NOT_FOUND'
  | 'SESSION_ENDED'
  | 'UPSTREAM_UNAVAILABLE'
  | 'DRAINED'
  | 'INSTANCE_GONE'
  | 'TOOL_NOT_ALLOWED'
  | 'TOOL_DRIFT';

/** JSON-RPC codes: the spec's where one fits, -32001 for sessions (as the SDK), -3204x for ours. */
export const RPC_CODES: Record<GatewayErrorCode, number> = {
  PARSE_ERROR: -32700,
  BAD_REQUEST: -32600,
  SESSION_NOT_FOUND: -32001,
  SESSION_ENDED: -32001,
  UNAUTHORIZED: -32040,
  UNKNOWN_SERVER: -32041,
  NOT_READY: -32042,
  TOO_MANY_SESSIONS: -32043,
  UPSTREAM_UNAVAILABLE: -32044,
  DRAINED: -32045,
  INSTANCE_GONE: -32046,
  TOOL_NOT_ALLOWED: -32047,
  TOOL_DRIFT: -32048,
};

const HTTP_STATUS: Record<GatewayErrorCode, number> = {
  PARSE_ERROR: 400,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  UNKNOWN_SERVER: 404,
  SESSION_NOT_FOUND: 404,
  SESSION_ENDED: 404,
  NOT_READY: 503,
  TOO_MANY_SESSIONS: 503,
  UPSTREAM_UNAVAILABLE: 502,
  DRAINED: 404,
  INSTANCE_GONE: 404,
  // a refused tools/call is the answer to that request inside a working session
  TOOL_NOT_ALLOWED: 200,
  TOOL_DRIFT: 200,
};

export class GatewayError extends Error {
  constructor(
    readonly code: GatewayErrorCode,
    message: string,
    readonly server?: string,
  ) {
    super(message);
    this.name = 'GatewayError';
  }

  get status(): number {
    return HTTP_STATUS[this.code];
  }

  get rpcCode(): number {
    return RPC_CODES[this.code];
  }

  /** As a JSON-RPC error response body (id null when no single request id is known). */
  body(id: string | number | null = null): object {
    return { jsonrpc: '2.0', id, error: { code: this.rpcCode, message: this.message, data: this.data() } };
  }

  /** As an McpError, for failing an in-flight request on a session that is being closed. */
  toMcpError(): McpError {
    return new McpError(this.rpcCode, this.message, this.data());
  }

  private data(): object {
    return { code: this.code, ...(this.server !== undefined && { server: this.server }) };
  }
}
