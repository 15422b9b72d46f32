// The live view behind GET /status (docs/reference/status-reasons.md for the reasons): what runs,
// what happened, what happens now.
import type { CheckStatus } from '../health/checks/check-status.js';
import type { Reason } from '../reasons/reasons.js';
import type { ToolSurface } from '../tools/surface.js';
import type { CanaryStatus } from './canary-runs.js';
import { resultReason, type DaemonState, type FailedRevision, type HistoryEntry, type Suspension } from '../state/model.js';

export type DaemonPhase = 'Pending' | 'Progressing' | 'Synced' | 'Degraded' | 'Failed' | 'Suspended';
export type ServerPhase = 'Pending' | 'Progressing' | 'Running' | 'Failed';
export type Health = 'Healthy' | 'Unhealthy' | 'Unknown';

export interface ServerStatus {
  name: string;
  version: string;
  commit: string | null;
  phase: ServerPhase;
  health: Health;
  endpoint: string | null;
  deployedAt: string | null;
  /** Why it is in this phase, for programs; `message` says it for people. */
  reason: Reason;
  message: string;
  tools: string[];
  /** Its tool surface approved at its gate: the overall hash and each tool's part hashes. */
  toolSurface?: ToolSurface;
  restarts: number;
  /** The runtime instance serving it now (process: its record in <state-dir>/instances). */
  instanceId?: string | null;
  /** When that instance was started (ISO). */
  startedAt?: string | null;
  /**
   * spec.replicas > 1: how many replicas it wants, how many pass their gate and serve now, and each
   * serving replica's instance (`instanceId` is the first of them).
   */
  replicas?: ReplicasStatus;
  /** Client sessions open at /mcp/<name> now (the daemon adds it from the gateway). */
  sessions?: number;
  /** Its health.checks while it runs (absent when it has none). */
  checks?: CheckStatus[];
  /** Tools of the serving instance that changed since its gate without a commit; null = none seen. */
  toolDrift?: ToolDriftStatus | null;
  /** A canary of a new version runs now: its step, weight, versions and the figures of this step. */
  canary?: CanaryStatus;
}

export interface ReplicasStatus {
  desired: number;
  ready: number;
  instances: { index: number; instanceId: string }[];
}

export interface ToolDriftStatus {
  /** When the gateway saw it (ISO). */
  at: string;
  added: string[];
  removed: string[];
  /** Each changed tool with the parts that changed (description, inputSchema, outputSchema, annotations). */
  changed: { name: string; parts: string[] }[];
  /** spec.tools.pin: warn = reported only; enforce = the gateway serves the approved surface only. */
  pin: 'warn' | 'enforce' | 'off';
}

export interface StatusView {
  phase: DaemonPhase;
  /** Why the daemon is in this phase, from the documented list. */
  reason: Reason;
  /** What is happening now, e.g. "Applying abc123: wave 2 of 3". */
  message: string;
  revision: { head: string | null; applied: string | null; lastGood: string | null };
  failedRevision: FailedRevision | null;
  /**
   * An environment fault (git unreachable, disk full, engine down): the daemon keeps serving what it
   * applied and retries by itself. `reason` is StateWriteFailed, SourceUnavailable or
   * RuntimeUnavailable (ValidationFailed: the applied commit no longer renders); `code` the error's.
   */
  lastError: { reason: Reason; code: string; message: string; at: string } | null;
  servers: ServerStatus[];
  history: HistoryEntry[];
  /** The Notifier documents of the applied commit and what each delivered (the daemon adds it). */
  notifiers?: NotifierStatus[];
  /** How many times the branch head has been checked (polls, webhooks, retries), and when last. */
  checks?: number;
  lastCheckedAt?: string | null;
  /** Who suspended the daemon, when and why; null when not suspended (phase Suspended while set). */
  suspended?: Suspension | null;
  /** --write-back revert: the last revert commit pushed and the last push that failed (the daemon adds it). */
  writeBack?: WriteBackStatus;
}

export interface WriteBackStatus {
  mode: 'revert';
  /** The branch the revert commits go to. */
  branch: string | null;
  lastPush: { commit: string; revertOf: string; at: string } | null;
  /** `code`: PUSH_REJECTED (the branch moved, no permission), SKIPPED (nothing to write back) or a git error code. */
  lastError: { revertOf: string; code: string; message: string; at: string } | null;
}

/** What /status shows of each Notifier (`notifiers`; filled by src/notify). */
export interface NotifierStatus {
  name: string;
  type: 'slack' | 'webhook';
  /** The url with secret values as ***. */
  url: string;
  lastDelivery: { at: string; event: string; commit: string | null; status: number } | null;
  lastError: { at: string; event: string; message: string } | null;
  /** Failed delivery attempts (each retry counts) and dropped notifications. */
  failures: number;
  deliveries: number;
  /** Notifications waiting to be delivered. */
  pending: number;
}

export interface PhaseInput {
  started: boolean;
  syncing: boolean;
  state: DaemonState;
  head: string | null;
  servers: ServerStatus[];
  lastError: StatusView['lastError'];
  /** Suspended: no new commit is applied (shown unless a sync that began before runs). */
  suspended?: boolean;
}

/** The daemon's phase and its reason: what happens now first, then what is wrong, then all is well. */
export function daemonPhase(o: PhaseInput): { phase: DaemonPhase; reason: Reason } {
  if (o.syncing) return { phase: 'Progressing', reason: 'Progressing' };
  if (o.suspended) return { phase: 'Suspended', reason: 'Suspended' };
  if (o.lastError) return { phase: 'Degraded', reason: o.lastError.reason };
  if (!o.started) return { phase: 'Pending', reason: 'Pending' };
  const failed = o.state.failedRevision;
  if (failed && failed.commit === o.head) {
    const entry = o.state.history.find((h) => h.commit === failed.commit);
    return { phase: 'Failed', reason: entry?.reason ?? resultReason('failed') };
  }
  const sick = o.servers.find((s) => s.phase !== 'Running' || s.health !== 'Healthy');
  if (sick) return { phase: 'Degraded', reason: sick.reason };
  if (o.servers.some((s) => s.toolDrift)) return { phase: 'Degraded', reason: 'ToolDrift' };
  return { phase: 'Synced', reason: 'Synced' };
}
