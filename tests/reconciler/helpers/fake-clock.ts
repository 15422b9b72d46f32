// A Scheduler the test moves by hand: timers fire only inside advance().
import type { Scheduler } from '../../../src/reconciler/scheduler.js';

interface Timer {
  at: number;
  fn: () => void;
  id: number;
}

export class FakeClock implements Scheduler {
  private t = Date.parse('2026-01-01T00:00:00Z');
  private timers: Timer[] = [];
  private ids = 0;

  now(): number {
    return this.t;
  }

  after(ms: number, fn: () => void): () => void {
    const timer = { at: this.t + Math.max(0, ms), fn, id: ++this.ids };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((x) => x !== timer);
    };
  }

  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = Math.max(this.t, due.at);
      due.fn();
    }
    this.t = end;
  }

  /** Milliseconds until the next timer, or null. */
  nextIn(): number | null {
    const next = Math.min(...this.timers.map((x) => x.at));
    return Number.isFinite(next) ? next - this.t : null;
  }
}
