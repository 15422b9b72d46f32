// What the reconciler tells the world: one typed event stream feeding logs, /events and status.
export type ReconcileEvent =
  | { type: 'sync.started'; syncId: number; commit: string; reason: string }
  | { type: 'sync.finished'; syncId: number; commit: string; result: string; message: string; durationSeconds: number }
  | { type: 'wave.started'; syncId: number; commit: string; wave: number; of: number; servers: string[] }
  | { type: 'server.starting'; server: string; commit: string; version: string; instanceId?: string }
  | { type: 'server.verifying'; server: string; commit: string; instanceId: string }
  /** A start waits on the runtime (kubernetes: a pending pod), and why: `reason` is the runtime's word. */
  | { type: 'server.waiting'; server: string; commit: string; message: string; reason?: string }
  | { type: 'gate.passed'; server: string; commit: string; instanceId: string; tools: string[]; seconds: number }
  | { type: 'gate.failed'; server: string; commit: string; reason: string; seconds: number }
  | { type: 'server.removed'; server: string; instanceId: string; why: string }
  | { type: 'revert.started'; syncId: number; from: string; to: string | null; reason: string }
  | { type: 'drift.repaired'; server: string; instanceId: string; why: string }
  | { type: 'server.crashed'; server: string; message: string; restarts: number; retryInSeconds: number }
  | { type: 'source.error'; code: string; message: string };

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
      try { l(e); } catch { /* a broken listener must not break the reconciler */ }
    }
  }
}
