// The live view behind GET /status (docs/reference/http-api.md): what runs, what happened, what happens now.
import type { DaemonState, FailedRevision, HistoryEntry } from '../state/model.js';

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
  message: string;
  tools: string[];
  restarts: number;
  /** The runtime instance serving it now (process: its record in <state-dir>/instances). */
  instanceId?: string | null;
  /** When that instance was started (ISO). */
  startedAt?: string | null;
}

export interface StatusView {
  phase: DaemonPhase;
  /** What is happening now, e.g. "Applying abc123: wave 2 of 3". */
  message: string;
  revision: { head: string | null; applied: string | null; lastGood: string | null };
  failedRevision: FailedRevision | null;
  /** A transient problem (git unreachable, engine down): the daemon keeps serving what it applied. */
  lastError: { reason: string; message: string; at: string } | null;
  servers: ServerStatus[];
  history: HistoryEntry[];
  /** How many times the branch head has been checked (polls, webhooks, retries), and when last. */
  checks?: number;
  lastCheckedAt?: string | null;
}

export function daemonPhase(opts: { started: boolean; syncing: boolean; state: DaemonState; head: string | null; servers: ServerStatus[] }): DaemonPhase {
  if (opts.syncing) return 'Progressing';
  if (!opts.started) return 'Pending';
  if (opts.state.failedRevision && opts.state.failedRevision.commit === opts.head) return 'Failed';
  if (opts.servers.some((s) => s.phase !== 'Running' || s.health !== 'Healthy')) return 'Degraded';
  return 'Synced';
}
