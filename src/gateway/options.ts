// The gateway's knobs, with defaults chosen for MCP clients that keep sessions open for a while.
import type { Registry } from 'prom-client';
import type { HostPolicy } from '../hosts/host-check.js';
import type { Runtime } from '../runtimes/runtime.js';
import type { ToolDriftListener } from './tools/tool-guard.js';
import type { CallSeries } from './call-series.js';

export interface GatewayLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

/** What /status knows about a server, so a 503 can say why. */
export interface ServerHint {
  phase: string;
  message: string;
}

export interface GatewayLimits {
  /**
   * Open sessions per server unless its spec.gateway.maxSessions says otherwise; beyond it the least
   * recently used idle session is closed, and only when all are busy is an initialize refused with
   * 503 TOO_MANY_SESSIONS. Default 100.
   */
  maxSessionsPerServer: number;
  /** A session without a request for this long is closed. Default 15 min. */
  idleTimeoutMs: number;
  /** How long sessions pinned to a retired instance may keep going. Default 30 s. */
  drainTimeoutMs: number;
  /** Upstream request timeout (reset by progress notifications). Default 10 min. */
  requestTimeoutMs: number;
  /** Connecting + initialize to an upstream. Default 10 s. */
  connectTimeoutMs: number;
  /** Largest POST body. Default 4 MiB. */
  bodyLimit: number;
  /** Ended session ids remembered to explain a 404. Default 10 000. */
  tombstones: number;
}

export const DEFAULT_LIMITS: GatewayLimits = {
  maxSessionsPerServer: 100,
  idleTimeoutMs: 15 * 60_000,
  drainTimeoutMs: 30_000,
  requestTimeoutMs: 10 * 60_000,
  connectTimeoutMs: 10_000,
  bodyLimit: 4 * 1024 * 1024,
  tombstones: 10_000,
};

export interface GatewayOptions {
  /** Where instances are reached: `connect(id)` gives an MCP client transport; exits close their sessions. */
  runtime: Pick<Runtime, 'connect' | 'onExit'> & Partial<Pick<Runtime, 'start' | 'remove'>>;
  /** prom-client registry for the gateway metrics; none = no metrics. */
  registry?: Registry;
  /** Per-server calls and errors in time buckets, counted with the metrics (needs `registry`). */
  series?: CallSeries;
  /** MCP_GITOPS_GATEWAY_TOKEN (or a per-server lookup); undefined = no auth. */
  token?: string | ((server: string) => string | undefined);
  /** Servers the daemon deploys (for 404 vs 503) and what /status says about them. */
  servers?: (name: string) => ServerHint | undefined;
  logger?: GatewayLogger;
  /** clientInfo the gateway uses towards shared (stdio) upstreams. */
  clientInfo?: { name: string; version: string };
  limits?: Partial<GatewayLimits>;
  /**
   * streamable-http instances are reached by passing HTTP through to their endpoint URL (fast;
   * default true). false: through the SDK like the others, e.g. when the URL is not reachable from
   * the daemon and only `runtime.connect` is (kubernetes port-forwards).
   */
  passThroughHttp?: boolean;
  /** Which Host and Origin headers /mcp/<name> accepts (DNS rebinding); default: loopback names only. */
  hosts?: HostPolicy;
  /** Tool drift of an active instance seen, or cleared (the daemon shows it in /status and /events). */
  onToolDrift?: ToolDriftListener;
}
