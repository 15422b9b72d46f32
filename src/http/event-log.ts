// A bounded, numbered log of reconciler events for GET /events (Server-Sent Events) with
// Last-Event-ID resume. Every event is masked (secret values) before it is kept.
import type { EventBus, ReconcileEvent } from '../reconciler/events.js';
import { IDENTITY_KEYS, type Masker } from '../render/mask.js';

export interface LoggedEvent {
  id: number;
  at: string;
  event: ReconcileEvent;
}

export class EventLog {
  private readonly buffer: LoggedEvent[] = [];
  private readonly subscribers = new Set<(e: LoggedEvent) => void>();
  private nextId = 1;

  constructor(
    bus: EventBus,
    private readonly opts: { size?: number; mask?: Masker; now?: () => number } = {},
  ) {
    bus.on((e) => this.add(e));
  }

  private add(raw: ReconcileEvent): void {
    const event = this.opts.mask ? this.opts.mask.deep(raw, IDENTITY_KEYS) : raw;
    const logged = { id: this.nextId++, at: new Date((this.opts.now ?? Date.now)()).toISOString(), event };
    this.buffer.push(logged);
    if (this.buffer.length > (this.opts.size ?? 1000)) this.buffer.shift();
    for (const s of this.subscribers) s(logged);
  }

  /** Events after `lastId` still in the buffer (all of them when lastId is undefined). */
  since(lastId: number | undefined): LoggedEvent[] {
    return lastId === undefined ? [...this.buffer] : this.buffer.filter((e) => e.id > lastId);
  }

  /** Streams subscribed now. */
  get subscriberCount(): number {
    return this.subscribers.size;
  }

  subscribe(fn: (e: LoggedEvent) => void): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }
}
