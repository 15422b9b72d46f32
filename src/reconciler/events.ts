// What the reconciler tells the world: one typed event stream feeding logs, /events and status.
// `code` is always a status reason (docs/reference/status-reasons.md); `reason` and `message` are text.
import type { EnvironmentReason, Reason } from '../reasons/reasons.js';

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
  | { type: 'server.crashed'; server: string; code: 'CrashLoopBackOff'; message: string; restarts: number; retryInSeconds: number }
  /** The git source could not be read (also reported as sync.retrying with code SourceUnavailable). */
  | { type: 'source.error'; code: 'SourceUnavailable'; message: string }
  /** An environment fault ended the sync: nothing is blamed, the sync is retried by itself. */
  | { type: 'sync.retrying'; code: EnvironmentReason | Reason; message: string; retryInSeconds: number };

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
