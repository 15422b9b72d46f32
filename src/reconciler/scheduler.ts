// Time as a dependency of the loop: "now" and one-shot timers, so tests can drive backoff and polls.

export interface Scheduler {
  now(): number;
  /** Calls `fn` after `ms`; returns a cancel function. Must not keep the process alive by itself. */
  after(ms: number, fn: () => void): () => void;
}

export const realScheduler: Scheduler = {
  now: () => Date.now(),
  after(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref();
    return () => clearTimeout(t);
  },
};

/** Owns the timers of one reconciler so that stop() cancels them all. */
export class Timers {
  private readonly pending = new Set<() => void>();
  private stopped = false;
  constructor(private readonly scheduler: Scheduler) {}

  after(ms: number, fn: () => void): void {
    if (this.stopped) return;
    const cancel = this.scheduler.after(ms, () => {
      this.pending.delete(cancel);
      fn();
    });
    this.pending.add(cancel);
  }

  every(ms: number, fn: () => void): void {
    const tick = (): void => {
      fn();
      this.after(ms, tick);
    };
    this.after(ms, tick);
  }

  stop(): void {
    this.stopped = true;
    for (const cancel of this.pending) cancel();
    this.pending.clear();
  }
}
