// What a sync ended with, and how that is written into the durable state: the one place where
// applied, lastGood, failedRevision, history and the server records change.
import type { GateTool } from '../health/index.js';
import type { Reason } from '../reasons/reasons.js';
import type { RenderedServer } from '../spec/desired.js';
import type { DaemonState, SyncResult } from '../state/model.js';
import type { SurfaceDiff } from '../tools/diff.js';
import type { CommitInfo } from '../source/snapshot.js';
import { StateStore } from '../state/store.js';
import type { ConvergeOutcome } from './converge.js';
import type { SyncErrorCode } from './errors.js';

/** A converge that ran to its end: `desired` (from `commit`) is what now should run. */
export interface Landed {
  out: ConvergeOutcome;
  desired: RenderedServer[];
  commit: string | null;
  /** The commit's --path tree on disk (health checks run their commands there). */
  workdir?: string;
}

export type Outcome =
  | {
      kind: 'result';
      result: SyncResult;
      /** Why, from the status vocabulary: the first failed server's reason for a failed rollout. */
      reason: Reason;
      commit: string;
      message: string;
      errors?: string[];
      /** Per server rolled out, its tool-surface diff against the version it replaced (see toolChanges). */
      toolChanges?: Record<string, SurfaceDiff>;
      landed?: Landed;
      /** the runtime may hold a mix of commits: repair from the applied commit at once. */
      repair?: boolean;
    }
  | { kind: 'repaired'; landed: Landed }
  | { kind: 'noop' }
  /** Cut short by shutdown: nothing is recorded (inFlight stays, as after a crash). */
  | { kind: 'halted' }
  /** Not the commit's fault (or nothing to blame yet): nothing recorded in history, retried with backoff. */
  | { kind: 'error'; code: SyncErrorCode; reason: Reason; message: string };

export interface SyncInfo {
  id: number;
  startedAt: string;
  finishedAt: string;
  nextSyncId: number;
  /** Author and message of the commit the sync read, for history. */
  commit?: { sha: string } & CommitInfo;
}

/** True when `writeOutcome` would change something worth a disk write. */
export function needsWrite(s: DaemonState, o: Outcome, syncId: number): boolean {
  if (s.inFlight?.id === syncId || o.kind === 'result') return true;
  if (o.kind !== 'repaired') return false;
  return o.landed.out.pruned.length > 0 || [...o.landed.out.outcomes.values()].some((x) => x.status === 'started');
}

export function writeOutcome(s: DaemonState, o: Outcome, sync: SyncInfo): void {
  if (s.inFlight?.id === sync.id) s.inFlight = null;
  s.nextSyncId = Math.max(s.nextSyncId, sync.nextSyncId);
  if (o.kind === 'result') writeResult(s, o, sync);
  if ((o.kind === 'result' || o.kind === 'repaired') && o.landed) writeRecords(s, o.landed);
}

function writeResult(s: DaemonState, o: Extract<Outcome, { kind: 'result' }>, sync: SyncInfo): void {
  StateStore.pushHistory(s, {
    id: sync.id,
    commit: o.commit,
    result: o.result,
    startedAt: sync.startedAt,
    finishedAt: sync.finishedAt,
    message: o.message,
    ...(sync.commit?.sha === o.commit && { author: sync.commit.author, commitMessage: sync.commit.message }),
    reason: o.reason,
    ...(o.errors && { errors: o.errors }),
    ...(o.toolChanges && { toolChanges: o.toolChanges }),
  });
  const failed = (): void => {
    // a revert records the reason before it starts (crash-safe); keep that one
    if (s.failedRevision?.commit !== o.commit) s.failedRevision = { commit: o.commit, reason: o.message, at: sync.finishedAt };
  };
  switch (o.result) {
    case 'succeeded':
      s.applied = o.commit;
      s.lastGood = o.commit;
      s.failedRevision = null;
      break;
    case 'invalid':
      s.failedRevision = { commit: o.commit, reason: o.message, at: sync.finishedAt };
      break;
    case 'reverted':
    case 'failed':
      failed();
      s.applied = s.lastGood;
      break;
    case 'superseded':
      break;
  }
}

/** Records say what runs for each desired server (masked, secret-free); undesired ones go. */
function writeRecords(s: DaemonState, landed: Landed): void {
  const names = new Set(landed.desired.map((d) => d.spec.name));
  for (const name of Object.keys(s.servers)) if (!names.has(name)) delete s.servers[name];
  for (const d of landed.desired) {
    const o = landed.out.outcomes.get(d.spec.name);
    if (!o?.instance || (o.status !== 'started' && o.status !== 'kept')) continue;
    const prev = s.servers[d.spec.name];
    if (o.status === 'kept' && prev?.specHash === d.specHash) continue;
    s.servers[d.spec.name] = {
      name: d.spec.name,
      version: d.masked.version,
      commit: o.instance.labels.commit,
      specHash: d.specHash,
      deployedAt: o.passedAt ?? o.instance.startedAt,
      tools: (o.tools ?? []).map((t) => t.name),
      ...(o.surface && { toolSurface: o.surface, toolInputSchemas: inputSchemas(o.tools ?? []) }),
      ...(d.spec.port !== undefined && { port: d.spec.port }),
      ...(d.replicaSpecs && { replicaHashes: d.replicaSpecs.map((r) => r.specHash) }),
    };
  }
}

function inputSchemas(tools: readonly GateTool[]): Record<string, unknown> {
  return Object.fromEntries(tools.map((t) => [t.name, t.inputSchema ?? null]));
}
