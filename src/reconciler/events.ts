// What the reconciler tells the world: one typed event stream feeding logs, /events and status.
// `code` is always a status reason (docs/reference/status-reasons.md); `reason` and `message` are text.
import type { EnvironmentReason, Reason } from '../reasons/reasons.js';
import type { SurfaceDiff } from '../tools/diff.js';

export type ReconcileEvent =
  | { type: 'sync.started'; syncId: number; commit: string; reason: string }
  | { type: 'sync.finished'; syncId: number; commit: string; result: string; code: Reason; message: string; durationSeconds: number }
  | { type: 'wave.started'; syncId: number; commit: string; wave: number; of: number; servers: string[] }
  | { type: 'server.starting'; server: string; commit: string; version: string; instanceId?: string }
  | { type: 'server.verifying'; server: string; commit: string; instanceId: string }
  /** A start waits on the runtime (kubernetes: a pending pod), and why: `reason` is the runtime's word. */
  | { type: 'server.waiting'; server: string; commit: string; message: string; reason?: string }
  | { type: 'gate.passed'; server: string; commit: string; instanceId: string; tools: string[]; seconds: number }
  | { type: 'gate.failed'; server: string; commit: string; reason: string; code: Reason; seconds: number }
  /** A sync rolled out a server whose tool surface changed against the version it replaced. */
  | { type: 'server.tools'; server: string; commit: string; added: string[]; removed: string[]; changed: SurfaceDiff['changed'] }
  /** A canary step began: `weight` % of new sessions go to the new instance (step `step` of `of`). */
  | { type: 'canary.step'; server: string; commit: string; instanceId: string; step: number; of: number; weight: number }
  /** A step was judged: pass, fail, or too little traffic (then onInsufficientTraffic decides). */
  | (CanaryCounts & {
      type: 'canary.judged';
      server: string;
      commit: string;
      step: number;
      weight: number;
      verdict: 'pass' | 'fail' | 'insufficient';
      message: string;
    })
  /** The canary ended: promoted (every new session on it, the stable one drained) or reverted (every new session on the stable one). */
  | { type: 'canary.promoted'; server: string; commit: string; instanceId: string; message: string }
  | { type: 'canary.reverted'; server: string; commit: string; instanceId: string; code: Reason; message: string }
  | { type: 'server.removed'; server: string; instanceId: string; why: string }
  | { type: 'revert.started'; syncId: number; from: string; to: string | null; reason: string; code: Reason }
  | { type: 'drift.repaired'; server: string; instanceId: string; why: string }
  /** The serving instance's tools differ from the surface approved at its gate, without a commit (tool drift). */
  | {
      type: 'server.toolDrift';
      server: string;
      instanceId: string;
      code: 'ToolDrift';
      /** When the gateway saw it (ISO). */
      at: string;
      pin: 'warn' | 'enforce' | 'off';
      added: string[];
      removed: string[];
      changed: { name: string; parts: string[] }[];
      message: string;
    }
  /** The instance's tools are back to the approved surface. */
  | { type: 'server.toolDriftCleared'; server: string; instanceId: string; message: string }
  | { type: 'server.crashed'; server: string; code: 'CrashLoopBackOff' | 'RemoteUnreachable'; message: string; restarts: number; retryInSeconds: number }
  /** A critical health check of the serving instance failed: it is removed and restarted with backoff. */
  | { type: 'server.checkFailed'; server: string; instanceId: string; code: 'CheckFailed'; message: string; restarts: number; retryInSeconds: number }
  /** The git source could not be read (also reported as sync.retrying with code SourceUnavailable). */
  | { type: 'source.error'; code: 'SourceUnavailable'; message: string }
  /** An environment fault ended the sync: nothing is blamed, the sync is retried by itself. */
  | { type: 'sync.retrying'; code: EnvironmentReason | Reason; message: string; retryInSeconds: number }
  /** No new commit is applied until a resume (`by`: api or cli flag). */
  | { type: 'sync.suspended'; code: 'Suspended'; by: string; reason: string | null; at: string }
  /** Resumed: the head is synced at once by sync `syncId`. */
  | { type: 'sync.resumed'; by: string; syncId: number }
  /** --write-back revert pushed `revert`, a commit undoing the reverted `commit`, to `branch`. */
  | { type: 'writeback.pushed'; commit: string; revert: string; branch: string }
  /** --write-back revert could not push (rejected, unreachable) or had nothing to push; never retried. */
  | { type: 'writeback.failed'; commit: string; code: string; message: string };

/** What the canary's sessions did in the step judged. */
export interface CanaryCounts {
  calls: number;
  errors: number;
  p99Ms: number | null;
}

export type EventSink = (e: ReconcileEvent) => void;

/** A tiny fan-out; listeners must not throw (a throwing listener is dropped from this event only). */
export class EventBus {
  private readonly listeners = new Set<EventSink>();
  on(l: EventSink): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  emit(e: ReconcileEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        /* a broken listener must not break the reconciler */
      }
    }
  }
}
