// The normalized, rendered form of one MCPServer: what the rest of the pipeline consumes.
// Defaults are applied here once so runtimes never guess.

export type Transport = 'stdio' | 'streamable-http' | 'sse';
export type RolloutStrategy = 'blue-green' | 'recreate' | 'canary';

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
  /** A remote server (runs elsewhere; never started): its MCP endpoint. */
  url?: string;
  /** Remote servers: headers sent upstream with every request (may hold secrets). */
  headers?: Record<string, string>;
  port?: number;
  /**
   * spec.replicas when above 1 (absent = one instance). Never part of a spec hash: scaling keeps the
   * replicas that stay (each replica's own port/env are in its own hash, see replicaOf).
   */
  replicas?: number;
  /** Endpoint path for streamable-http / sse (default /mcp, or /sse for sse). */
  path?: string;
  env: Record<string, string>;
  dependsOn: string[];
  /** `checks` only when some are declared, restartsAllowed (kubernetes) only when written: the spec hash of servers without them is unchanged. */
  health: { timeoutSeconds: number; expectTools: string[]; stabilizationSeconds: number; checks?: DesiredCheck[]; restartsAllowed?: number };
  /** canary: set (with defaults applied) only for strategy canary, so other spec hashes are unchanged. */
  rollout: { strategy: RolloutStrategy; canary?: CanarySettings };
  /** spec.gateway as written (absent when not set, so the spec hash of servers without it is unchanged). */
  gateway?: GatewaySettings;
  /** spec.tools as written (absent when not set, like gateway). */
  tools?: ToolSettings;
  /** Where the document came from, for messages. */
  source: { file: string; line: number };
}

/** One health.checks entry with its defaults applied (docs/reference/spec.md#health-checks). */
export type DesiredCheck = CheckCommon &
  ({ type: 'http'; url: string; expectStatus: number } | { type: 'tcp'; host: string; port: number } | { type: 'command'; command: string[] });

export interface CheckCommon {
  /** `<type>-<index>` unless named. */
  name: string;
  intervalSeconds: number;
  timeoutSeconds: number;
  retries: number;
  critical: boolean;
}

export const CHECK_DEFAULTS = { intervalSeconds: 10, timeoutSeconds: 5, retries: 3, critical: true, expectStatus: 200 } as const;

/** spec.rollout.canary with defaults applied (docs/reference/canary.md). */
export interface CanarySettings {
  /** Share (%) of new sessions sent to the new version at each step; increasing, the last is 100. */
  steps: number[];
  stepSeconds: number;
  minCalls: number;
  maxErrorRate: number;
  maxLatencyP99Ms: number;
  onInsufficientTraffic: 'promote' | 'revert';
}

export const CANARY_DEFAULTS: CanarySettings = {
  steps: [10, 50, 100],
  stepSeconds: 60,
  minCalls: 20,
  maxErrorRate: 0.05,
  maxLatencyP99Ms: 2000,
  onInsufficientTraffic: 'promote',
};

export type GatewaySessions = 'shared' | 'isolated';

export interface GatewaySettings {
  /** stdio servers: one instance for every client session (shared) or one per session (isolated). */
  sessions?: GatewaySessions;
  /** Open client sessions; at the limit the least recently used idle session is closed. */
  maxSessions?: number;
}

export type ToolPin = 'warn' | 'enforce' | 'off';

export interface ToolSettings {
  /** Tools this version may drop without a BreakingToolChange. */
  allowRemoved?: string[];
  /** Tools whose input schema may change incompatibly in this version. */
  allowBreaking?: string[];
  /** What a tool surface changed without a commit does (default warn). */
  pin?: ToolPin;
  /** Names or globs the gateway exposes and accepts (absent = all). */
  allow?: string[];
  /** Names or globs the gateway hides and refuses, after allow. */
  deny?: string[];
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
  /**
   * replicas > 1: every replica's own render (index 0 is `spec` itself), each with its own hash
   * (port/env may read {{ replica.index }}). Absent = one instance. Read through replicaOf.
   */
  replicaSpecs?: ReplicaRender[];
}

export interface ReplicaRender {
  spec: DesiredServer;
  masked: DesiredServer;
  specHash: string;
}

export const DEFAULT_TIMEOUT_SECONDS = 10;
export const MASK = '***';
