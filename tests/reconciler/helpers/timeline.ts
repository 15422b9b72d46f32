// One ordered log of what the runtime did and what the reconciler said, for ordering assertions.
import type { ReconcileEvent } from '../../../src/reconciler/events.js';

export type Entry =
  | { seq: number; op: 'starting' | 'start' | 'remove' | 'exit'; id: string; server: string; version: string }
  | { seq: number; op: 'event'; event: ReconcileEvent };

type NewEntry = { op: 'starting' | 'start' | 'remove' | 'exit'; id: string; server: string; version: string } | { op: 'event'; event: ReconcileEvent };

export class Timeline {
  readonly entries: Entry[] = [];

  add(e: NewEntry): void {
    this.entries.push({ ...e, seq: this.entries.length });
  }

  /** Sequence number of the first entry matching `pred` (throws when there is none). */
  seq(what: string, pred: (e: Entry) => boolean): number {
    const hit = this.entries.find(pred);
    if (!hit) throw new Error(`timeline has no ${what}:\n${this.describe()}`);
    return hit.seq;
  }

  ops(op: Exclude<Entry, { op: 'event' }>['op'], server?: string): Exclude<Entry, { op: 'event' }>[] {
    return this.entries.filter((e): e is Exclude<Entry, { op: 'event' }> => e.op === op && (server === undefined || e.server === server));
  }

  events<T extends ReconcileEvent['type']>(type: T): Extract<ReconcileEvent, { type: T }>[] {
    return this.entries.flatMap((e) => (e.op === 'event' && e.event.type === type ? [e.event as Extract<ReconcileEvent, { type: T }>] : []));
  }

  describe(): string {
    return this.entries
      .map((e) => (e.op === 'event' ? `${e.seq} event ${JSON.stringify(e.event)}` : `${e.seq} ${e.op} ${e.id} (${e.server}@${e.version})`))
      .join('\n');
  }
}
