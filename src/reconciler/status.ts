// The live view behind GET /status (docs/reference/status-reasons.md for the reasons): what runs,
// what happened, what happens now.
import type { Reason } from '../reasons/reasons.js';
import type { CanaryStatus } from './canary-runs.js';
import { resultReason, type DaemonState, type FailedRevision, type HistoryEntry } from '../state/model.js';

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
  restarts: number;
  /** The runtime instance serving it now (process: its record in <state-dir>/instances). */
  instanceId?: string | null;
  /** When that instance was started (ISO). */
  startedAt?: string | null;
  /** Client sessions open at /mcp/<name> now (the daemon adds it from the gateway). */
  sessions?: number;
  /** A canary of a new version runs now: its step, weight, versions and the figures of this step. */
  canary?: CanaryStatus;
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
  /** How many times the branch head has been checked (polls, webhooks, retries), and when last. */
  checks?: number;
  lastCheckedAt?: string | null;
}

export interface PhaseInput {
  started: boolean;
  syncing: boolean;
  state: DaemonState;
  head: string | null;
  servers: ServerStatus[];
  lastError: StatusView['lastError'];
}

/** The daemon's phase and its reason: what happens now first, then what is wrong, then all is well. */
export function daemonPhase(o: PhaseInput): { phase: DaemonPhase; reason: Reason } {
  if (o.syncing) return { phase: 'Progressing', reason: 'Progressing' };
  if (o.lastError) return { phase: 'Degraded', reason: o.lastError.reason };
  if (!o.started) return { phase: 'Pending', reason: 'Pending' };
  const failed = o.state.failedRevision;
  if (failed && failed.commit === o.head) {
    const entry = o.state.history.find((h) => h.commit === failed.commit);
    return { phase: 'Failed', reason: entry?.reason ?? resultReason('failed') };
  }
  const sick = o.servers.find((s) => s.phase !== 'Running' || s.health !== 'Healthy');
  if (sick) return { phase: 'Degraded', reason: sick.reason };
  return { phase: 'Synced', reason: 'Synced' };
}
