// What a downstream session talks to: one MCP server instance, reached through an SDK Client.
// Two kinds: shared (one Client per stdio process, many sessions) and dedicated (one upstream
// session per downstream session, for servers that speak HTTP and multiplex sessions themselves).
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ClientCapabilities, Implementation, Notification, Request, Result, ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';

export interface UpstreamInfo {
  serverInfo: Implementation;
  capabilities: ServerCapabilities;
  instructions?: string;
}

/** The downstream session, as an upstream sees it. */
export interface UpstreamPeer {
  /** A notification from the server meant for this session. */
  notify(n: Notification): void;
  /** A request from the server to the client (sampling, elicitation, roots); dedicated upstreams only. */
  request(r: Request, signal: AbortSignal): Promise<Result>;
  /** The upstream connection is gone for good. */
  lost(reason: string): void;
}

export interface Upstream {
  readonly info: UpstreamInfo;
  request(r: Request, options: RequestOptions): Promise<Result>;
  /** A notification from the client (e.g. roots/list_changed); shared upstreams drop them. */
  notify(n: Notification): Promise<void>;
  /** This session is done with the upstream. */
  release(): Promise<void>;
}

export interface OpenOptions {
  clientInfo: Implementation;
  capabilities: ClientCapabilities;
  peer: UpstreamPeer;
}

/** Opens upstreams for sessions of one instance. */
export interface UpstreamSource {
  readonly shared: boolean;
  open(o: OpenOptions): Promise<Upstream>;
  /** The instance goes away: close whatever is still connected. */
  close(): Promise<void>;
}
