// What the daemon remembers across restarts (state survives restarts: docs/reference/status-reasons.md
// lists the reasons history entries carry).
import type { Reason } from '../reasons/reasons.js';
import type { SurfaceDiff } from '../tools/diff.js';
import type { ToolSurface } from '../tools/surface.js';

export type SyncResult = 'succeeded' | 'reverted' | 'invalid' | 'superseded' | 'failed';

export interface HistoryEntry {
  /** Monotonic sync id. */
  id: number;
  commit: string;
  result: SyncResult;
  startedAt: string;
  finishedAt: string;
  message: string;
  /** The commit's author (name) and the first line of its message, when the sync read the commit. */
  author?: string;
  commitMessage?: string;
  /** Why it ended so, for programs (docs/reference/status-reasons.md); files written before it existed get one on load. */
  reason: Reason;
  /** Validation errors (invalid) or gate failures (reverted), secret-free. */
  errors?: string[];
  /**
   * Per server rolled out by this sync, what changed of its tool surface against the version it
   * replaced (a first deploy: every tool added). Servers whose surface did not change are left out.
   */
  toolChanges?: Record<string, SurfaceDiff>;
}

export interface FailedRevision {
  commit: string;
  reason: string;
  at: string;
}

/** One server as last rolled out by the daemon (masked: safe to show). */
export interface AppliedServer {
  name: string;
  version: string;
  commit: string;
  specHash: string;
  deployedAt: string;
  tools?: string[];
  /** Its tool surface as its gate saw it (hashes): the approved surface. Absent in older state files. */
  toolSurface?: ToolSurface;
  /** Each tool's input schema as its gate saw it: what the next version is checked against (breaking changes). */
  toolInputSchemas?: Record<string, unknown>;
  /** The port it listens on (HTTP transports), so a plan knows blue-green must recreate. */
  port?: number;
  /** spec.replicas > 1: every replica's spec-hash (they differ when port/env read {{ replica.index }}). */
  replicaHashes?: string[];
}

/** Who suspended the daemon, when and why (POST /suspend, `serve --suspended`): new commits wait. */
export interface Suspension {
  by: 'api' | 'cli flag';
  at: string;
  reason: string | null;
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
  /** Set while suspended: no new commit is applied until a resume (kept across restarts). */
  suspended: Suspension | null;
}

export const HISTORY_LIMIT = 100;

export function emptyState(): DaemonState {
  return { schemaVersion: 1, applied: null, lastGood: null, failedRevision: null, history: [], nextSyncId: 1, servers: {}, inFlight: null, suspended: null };
}

/** The reason an entry written before reasons existed gets: the one its result implies. */
const RESULT_REASON: Readonly<Record<SyncResult, Reason>> = {
  succeeded: 'Synced',
  reverted: 'RolloutFailed',
  invalid: 'ValidationFailed',
  superseded: 'Superseded',
  failed: 'RolloutFailed',
};

export function resultReason(result: SyncResult): Reason {
  return RESULT_REASON[result] ?? 'RolloutFailed';
}

/** A parsed state file of any earlier shape of schemaVersion 1, completed to the current one. */
export function upgradeState(parsed: DaemonState): DaemonState {
  const s = { ...emptyState(), ...parsed };
  s.history = (s.history ?? []).map((h) => (h.reason ? h : { ...h, reason: resultReason(h.result) }));
  return s;
}
