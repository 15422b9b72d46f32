// What a health gate takes and what it tells.
import type { Runtime } from '../runtimes/runtime.js';
import type { DesiredServer } from '../spec/desired.js';
import type { Clock } from './clock.js';
import type { Logger } from '../runtimes/logger.js';
import type { CheckContext } from './checks/check-context.js';
import type { ListedTool, ToolSurface } from '../tools/surface.js';

export interface GateOptions {
  runtime: Runtime;
  instanceId: string;
  /** Its `health` block drives the gate; `transport` tells whether connection retries make sense. */
  server: DesiredServer;
  /** Abort = the gate is no longer wanted (a newer commit superseded the sync). */
  signal?: AbortSignal;
  clock?: Clock;
  logger?: Logger;
  /** Sent as clientInfo in the initialize request. */
  clientInfo?: { name: string; version: string };
  /** Interval of pings while stabilizing (default 1000 ms). */
  stabilizationPingMs?: number;
  /** Env and cwd of command checks (health.checks): the server's own. */
  checks?: CheckContext;
}

/** A tool as the server listed it at the gate (what agents see of it: the tool surface). */
export type GateTool = ListedTool;

/** Why a gate failed, for code that must react (never branch on `reason`). */
export type GateFailureCode =
  | 'exited' // the instance stopped (crash, exit, container gone)
  | 'not-found' // the runtime does not know the instance
  | 'timeout' // no handshake / no tools/list answer within health.timeoutSeconds
  | 'handshake-failed' // the server answered, but the MCP handshake failed for good
  | 'missing-tools' // tools/list lacks some of health.expectTools
  | 'breaking-tools' // the new version drops tools or narrows input schemas (src/tools/breaking.ts)
  | 'unhealthy' // stopped answering during stabilization
  | 'check-failed' // a critical health.checks entry failed (with its retries)
  | 'cancelled'; // the caller aborted

export type GateResult = { ok: true; tools: GateTool[]; surface: ToolSurface } | { ok: false; reason: string; code: GateFailureCode };
