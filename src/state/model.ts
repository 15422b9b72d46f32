// What the daemon remembers across restarts (its fields: docs/reference/http-api.md, state.json).

export type SyncResult = 'succeeded' | 'reverted' | 'invalid' | 'superseded' | 'failed';

export interface HistoryEntry {
  /** Monotonic sync id. */
  id: number;
  commit: string;
  result: SyncResult;
  startedAt: string;
  finishedAt: string;
  message: string;
  /** Validation errors (invalid) or gate failures (reverted), secret-free. */
  errors?: string[];
}

export interface FailedRevision { commit: string; reason: string; at: string }

/** One server as last rolled out by the daemon (masked: safe to show). */
export interface AppliedServer {
  name: string;
  version: string;
  commit: string;
  specHash: string;
  deployedAt: string;
  tools?: string[];
  /** The port it listens on (HTTP transports), so a plan knows blue-green must recreate. */
  port?: number;
}

export interface DaemonState {
  schemaVersion: 1;
  applied: string | null;
  lastGood: string | null;
  failedRevision: FailedRevision | null;
  /** Newest first, bounded. */
  history: HistoryEntry[];
  nextSyncId: number;
  /** Per server: what was rolled out (from applied or, after a revert, last good). */
  servers: Record<string, AppliedServer>;
  /** A sync in flight when the daemon stopped: on start, converge from here. */
  inFlight: { id: number; commit: string; startedAt: string } | null;
}

export const HISTORY_LIMIT = 100;

export function emptyState(): DaemonState {
  return { schemaVersion: 1, applied: null, lastGood: null, failedRevision: null, history: [], nextSyncId: 1, servers: {}, inFlight: null };
}
