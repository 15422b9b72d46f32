// Triggers (poll, watch, webhook, API, restarts) go into one slot: a burst while a sync runs
// coalesces into exactly one next sync, which carries every reason and any `force`.

export interface Trigger {
  /** The id the sync handling this trigger will have (history, API answers). */
  id: number;
  reasons: Set<string>;
  force: boolean;
}

export class TriggerQueue {
  private pending: Trigger | null = null;
  private draining = false;
  private done: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly run: (t: Trigger) => Promise<void>,
    private readonly nextId: () => number,
  ) {}

  /** Queues a trigger; returns the id of the sync that will handle it. */
  push(reason: string, force: boolean): number {
    if (this.pending) {
      this.pending.reasons.add(reason);
      this.pending.force ||= force;
    } else {
      this.pending = { id: this.nextId(), reasons: new Set([reason]), force };
    }
    const id = this.pending.id;
    if (!this.draining && !this.stopped) {
      this.draining = true;
      this.done = this.drain();
    }
    return id;
  }

  get hasPending(): boolean {
    return this.pending !== null;
  }

  /** Resolves once no sync runs and none is queued. */
  async idle(): Promise<void> {
    while (this.draining) await this.done;
  }

  /** No new syncs start; the running one finishes (its caller aborts it). */
  stop(): void {
    this.stopped = true;
    this.pending = null;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending && !this.stopped) {
        const t = this.pending;
        this.pending = null;
        await this.run(t);
      }
    } finally {
      this.draining = false;
    }
  }
}
