// What the gateway's routing and drains need of a client session, whichever way it reaches its
// instance: through the SDK (stdio and sse upstreams, session.ts) or by passing HTTP through
// (streamable-http upstreams, proxy-session.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Body } from '../body.js';
import type { GatewayError } from '../errors.js';

export interface DownstreamSession {
  readonly id: string;
  readonly server: string;
  readonly instanceId: string;
  /** The initialize request went through and the client has a session id. */
  readonly established: boolean;
  /** A request of the client awaits its answer: such a session is never evicted. */
  readonly busy: boolean;
  /** When the client last sent a request (ms since epoch): the least recent idle one is evicted first. */
  readonly lastActive: number;
  /** One HTTP request of the client (`raw`: the exact body bytes, when there are any). */
  handle(req: IncomingMessage, res: ServerResponse, body: Body, raw: Buffer | undefined): Promise<void>;
  /** Fails what is in flight with `why` (a clean JSON-RPC error), then closes. */
  expire(why: GatewayError): Promise<void>;
  close(why: GatewayError): Promise<void>;
}
