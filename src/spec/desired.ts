// The normalized, rendered form of one MCPServer: what the rest of the pipeline consumes.
// Defaults are applied here once so runtimes never guess.

export type Transport = 'stdio' | 'streamable-http' | 'sse';
export type RolloutStrategy = 'blue-green' | 'recreate';

export interface DesiredServer {
  name: string;
  labels: Record<string, string>;
  version: string;
  transport: Transport;
  command?: string;
  args: string[];
  /** Relative to the checked-out --path (the runtime resolves it against its checkout). */
  cwd?: string;
  image?: string;
  port?: number;
  /** Endpoint path for streamable-http / sse (default /mcp, or /sse for sse). */
  path?: string;
  env: Record<string, string>;
  dependsOn: string[];
  /** restartsAllowed: kubernetes only; absent unless written (so the spec hash of servers without it is unchanged). */
  health: { timeoutSeconds: number; expectTools: string[]; stabilizationSeconds: number; restartsAllowed?: number };
  rollout: { strategy: RolloutStrategy };
  /** spec.gateway as written (absent when not set, so the spec hash of servers without it is unchanged). */
  gateway?: GatewaySettings;
  /** Where the document came from, for messages. */
  source: { file: string; line: number };
}

export type GatewaySessions = 'shared' | 'isolated';

export interface GatewaySettings {
  /** stdio servers: one instance for every client session (shared) or one per session (isolated). */
  sessions?: GatewaySessions;
  /** Open client sessions; at the limit the least recently used idle session is closed. */
  maxSessions?: number;
}

/** A desired server with its secret-free twin for display and its identity hash. */
export interface RenderedServer {
  /** Real values: only for the runtime. */
  spec: DesiredServer;
  /** Values from secrets and token variables replaced by `***`: for /status, logs, CLI. */
  masked: DesiredServer;
  /** Hash of `spec` (includes secret values, so a rotated secret rolls the server). */
  specHash: string;
  /** Secret values used by this server (for log redaction). Never serialized. */
  secretValues: string[];
}

export const DEFAULT_TIMEOUT_SECONDS = 10;
export const MASK = '***';
